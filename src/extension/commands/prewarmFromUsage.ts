import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { summarizeUsagePrewarm } from '../workflows/usagePrewarmSummary';
import { workflowsTrusted } from '../workflows/trustPrompt';

/**
 * Prewarm from Usage: re-runs this workspace's most often missed workflows from the usage log, under a
 * cancellable progress notification, stopping before `claudeCache.prewarm.fromUsage.maxUsd`. At startup it
 * speaks only when it did something.
 */
export async function prewarmFromUsage(services: ExtensionServices, options: { atStartup?: boolean } = {}): Promise<void> {
  if (!workflowsTrusted('prewarm', { quietly: options.atStartup === true })) return;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    if (!options.atStartup) void vscode.window.showErrorMessage('Claude Cache: open a folder first; prewarming runs workflows on a workspace.');
    return;
  }
  const engine = await services.host.engine();
  const maxUsd = engine.config.prewarm.fromUsage.maxUsd;
  const controller = new AbortController();
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Claude Cache: prewarming from usage', cancellable: true },
    async (progress, token) => {
      const cancel = token.onCancellationRequested(() => controller.abort(new Error('cancelled by the user')));
      try {
        return await engine.prewarmFromUsage(folder.uri.fsPath, {
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
  services.labels.recordPrewarm(folder.uri.fsPath, report.outcomes);
  const summary = summarizeUsagePrewarm(report, maxUsd);
  services.logger.info(summary.message);
  for (const skip of report.skipped) services.logger.info(`prewarm from usage skipped ${skip.candidate.workflow}: ${skip.reason}`);
  if (summary.failed > 0) {
    for (const outcome of report.outcomes) {
      if (outcome.error) services.logger.warn(`prewarm ${outcome.item.workflow}: ${outcome.error.message}`);
    }
    const choice = await vscode.window.showWarningMessage(summary.message, 'Show Log');
    if (choice) services.channel.show(true);
  } else if (!options.atStartup || summary.ran > 0) {
    void vscode.window.showInformationMessage(summary.message);
  }
}
