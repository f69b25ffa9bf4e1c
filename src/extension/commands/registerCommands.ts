import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { ExtensionServices } from '../services';
import { clearApiKey } from './clearApiKey';
import { CommandId } from './commandId';
import { explainLastRun } from './explainLastRun';
import { invalidateAll } from './invalidateAll';
import { invalidateEntry } from './invalidateEntry';
import { invalidateLayer } from './invalidateLayer';
import { invalidateTier } from './invalidateTier';
import { invalidatePattern } from './invalidatePattern';
import { openEntry } from './openEntry';
import { prewarm } from './prewarm';
import { prewarmFromUsage } from './prewarmFromUsage';
import { resetStats } from './resetStats';
import { runFresh } from './runFresh';
import { refresh } from './refresh';
import { runWorkflow } from './runWorkflow';
import { setApiKey } from './setApiKey';
import { setEncryptionKey } from './setEncryptionKey';
import { setStorePassword } from './setStorePassword';
import { showDashboard } from './showDashboard';
import { showLog } from './showLog';
import { showArchive } from './showArchive';
import { findSimilar } from './findSimilar';
import { inspectEntry } from './inspectEntry';
import { copyCodeBlock, insertCodeBlock } from './codeBlocks';
import { showAnswerHistory, showAnswerSource } from './answerHistory';
import { BUILTIN_WORKFLOW_COMMANDS } from '../workflows/builtinCommands';

type Handler = (services: ExtensionServices, ...args: unknown[]) => unknown;

/** A one-step command runs its built-in workflow without asking for optional arguments. */
function runBuiltin(services: ExtensionServices, command: CommandId): Promise<void> {
  const workflow = BUILTIN_WORKFLOW_COMMANDS.find((entry) => entry.command === command)?.workflow;
  return runWorkflow(services, workflow, { oneStep: true });
}

const HANDLERS: Readonly<Record<CommandId, Handler>> = {
  [CommandId.RunWorkflow]: (services, name) => runWorkflow(services, name),
  [CommandId.Prewarm]: (services) => prewarm(services),
  [CommandId.PrewarmFromUsage]: (services) => prewarmFromUsage(services),
  [CommandId.InvalidateAll]: (services) => invalidateAll(services),
  [CommandId.InvalidateLayer]: (services, target) => invalidateLayer(services, target),
  [CommandId.InvalidateEntry]: (services, target) => invalidateEntry(services, target),
  [CommandId.InvalidateTier]: (services, target) => invalidateTier(services, target),
  [CommandId.InvalidatePattern]: (services) => invalidatePattern(services),
  [CommandId.SetApiKey]: (services) => setApiKey(services),
  [CommandId.ClearApiKey]: (services) => clearApiKey(services),
  [CommandId.SetEncryptionKey]: (services) => setEncryptionKey(services),
  [CommandId.SetStorePassword]: (services) => setStorePassword(services),
  [CommandId.ShowDashboard]: (services) => showDashboard(services),
  [CommandId.ShowLog]: (services) => showLog(services),
  [CommandId.ResetStats]: (services) => resetStats(services),
  [CommandId.Refresh]: (services) => refresh(services),
  [CommandId.OpenEntry]: (services, node) => openEntry(services, node),
  [CommandId.RunFresh]: (services, uri) => runFresh(services, uri),
  [CommandId.ExplainLastRun]: (services) => explainLastRun(services),
  [CommandId.ShowArchive]: (services) => showArchive(services),
  [CommandId.FindSimilar]: (services) => findSimilar(services),
  [CommandId.InspectEntry]: (services, node) => inspectEntry(services, node),
  [CommandId.ExplainSelection]: (services) => runBuiltin(services, CommandId.ExplainSelection),
  [CommandId.ReviewFile]: (services) => runBuiltin(services, CommandId.ReviewFile),
  [CommandId.WriteTests]: (services) => runBuiltin(services, CommandId.WriteTests),
  [CommandId.SummarizeChanges]: (services) => runBuiltin(services, CommandId.SummarizeChanges),
  [CommandId.CopyCodeBlock]: (services, uri, index) => copyCodeBlock(services, uri, index),
  [CommandId.InsertCodeBlock]: (services, uri, index) => insertCodeBlock(services, uri, index),
  [CommandId.ShowAnswerHistory]: (services, uri) => showAnswerHistory(services, uri),
  [CommandId.ShowAnswerSource]: (services, uri) => showAnswerSource(services, uri),
};

/**
 * Registers every command in one place. A handler that throws becomes one error notification and a log
 * line, never an unhandled rejection in the extension host.
 */
export function registerCommands(services: ExtensionServices): vscode.Disposable[] {
  return Object.entries(HANDLERS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(services, ...args);
      } catch (error) {
        const message = `Claude Cache: ${describeError(error)}`;
        services.logger.error(`${id} failed: ${describeError(error)}`);
        void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => {
          if (choice) services.channel.show();
        });
        return undefined;
      }
    }),
  );
}
