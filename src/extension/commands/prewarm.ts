import * as vscode from 'vscode';
import { settingId } from '../../core/config';
import type { ExtensionServices } from '../services';
import { summarizePrewarm } from '../workflows/prewarmSummary';
import { workflowsTrusted } from '../workflows/trustPrompt';

/**
 * Prewarm Cache: runs every workflow in `claudeCache.prewarm.workflows` so its answers are cached before anyone
 * asks, under a cancellable progress notification counting done/total.
 */
export async function prewarm(services: ExtensionServices, options: { atStartup?: boolean } = {}): Promise<void> {
  if (!workflowsTrusted('prewarm', { quietly: options.atStartup === true })) return;
  const engine = await services.host.engine();
  const items = engine.config.prewarm.workflows;
  if (items.length === 0) {
    if (options.atStartup) return;
    const choice = await vscode.window.showInformationMessage(
      `Claude Cache: nothing to prewarm; list workflows in ${settingId('prewarm.workflows')}.`,
      'Open Setting',
    );
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', settingId('prewarm.workflows'));
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('Claude Cache: open a folder first; prewarming runs workflows on a workspace.');
    return;
  }
  const controller = new AbortController();
  const outcomes = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Claude Cache: prewarming', cancellable: true },
    async (progress, token) => {
      const cancel = token.onCancellationRequested(() => controller.abort(new Error('cancelled by the user')));
      progress.report({ message: `0/${items.length}` });
      try {
        return await engine.prewarm(folder.uri.fsPath, items, {
          signal: controller.signal,
          trustedWorkspace: vscode.workspace.isTrusted,
          onProgress: (done, total, outcome) =>
            progress.report({ increment: 100 / total, message: `${done}/${total} · ${outcome.item.workflow}` }),
        });
      } finally {
        cancel.dispose();
      }
    },
  );
  services.labels.recordPrewarm(folder.uri.fsPath, outcomes);
  const summary = summarizePrewarm(outcomes, items.length, controller.signal.aborted);
  services.logger.info(summary.message);
  if (summary.failed > 0) {
    for (const outcome of outcomes) {
      if (outcome.error) services.logger.warn(`prewarm ${outcome.item.workflow}: ${outcome.error.message}`);
    }
    const choice = await vscode.window.showWarningMessage(summary.message, 'Show Log');
    if (choice) services.channel.show(true);
  } else if (!options.atStartup || summary.answered > 0) {
    void vscode.window.showInformationMessage(summary.message);
  }
}
