import * as vscode from 'vscode';
import { WorkflowDiagnostics } from './workflows/workflowDiagnostics';
import { SETTINGS_SECTION, type CacheConfig } from '../core/config';
import { CacheEngine, type EngineApi, type TierOpening } from '../core/engine';
import { tierLabel } from '../core/tiers/tierRegistry';
import { describeError } from '../core/errors';
import type { Logger } from '../core/logger';
import { discoverWorkflows } from '../core/workflows';
import { CommandId } from './commands/commandId';
import { prewarm } from './commands/prewarm';
import { prewarmFromUsage } from './commands/prewarmFromUsage';
import { registerCommands } from './commands/registerCommands';
import { ConfigProblemNotifier } from './config/problemNotifier';
import { configFromSettings, trustAwareReader } from './config/settingsConfig';
import { ContextKey } from './contextKeys';
import { DashboardPanel } from './dashboard/dashboardPanel';
import { CacheSnapshots } from './engine/cacheSnapshots';
import { cacheMetrics, PrometheusEndpoint } from './metrics/prometheusEndpoint';
import { AlertNotifications } from './alerts/alertNotifications';
import { EngineHost, type EngineState } from './engine/engineHost';
import { notifyEngineProblem } from './engine/engineProblemNotifier';
import { toDisposable } from './lifecycle';
import { createOutputLogger } from './outputLogger';
import { ExtensionSecrets } from './secrets/extensionSecrets';
import type { ExtensionServices } from './services';
import { CacheStatusBar } from './statusBar/cacheStatusBar';
import { EntryDocuments } from './views/entryDocuments';
import { ReadOnlyDocuments } from './readOnly/readOnlyDocuments';
import { EntryLabels } from './views/entryLabels';
import { TierTreeProvider } from './views/tierTreeProvider';
import { AnswerCodeLenses } from './workflows/answerCodeLenses';
import { AnswerDocuments } from './workflows/answerDocuments';
import { WorkflowCatalog } from './workflows/workflowCatalog';
import { WorkflowRunner, type PreparedRun } from './workflows/workflowRunner';
import { trustGatedDiscovery } from './workflows/workflowTrust';
import { WorkspaceWatchers } from './workflows/workspaceWatchers';

/** The tree view's id in package.json. */
const TIERS_VIEW = 'claudeCache.tiers';

/**
 * Wires the VS Code surface to one CacheEngine. Returns at once: the engine opens in the background (the
 * status bar shows it starting) and a failure to open becomes one notification, never a failed activation.
 */
export function activate(context: vscode.ExtensionContext): void {
  const started = Date.now();
  const channel = vscode.window.createOutputChannel('Claude Prompt Cache', { log: true });
  context.subscriptions.push(channel);
  const logger = createOutputLogger(channel);
  const log = logger.child('extension');

  const secrets = new ExtensionSecrets(context.secrets);
  const problems = new ConfigProblemNotifier(logger.child('config'));
  const readConfig = (): CacheConfig => {
    const settings = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const read = trustAwareReader(
      (key) => settings.get(key),
      (key) => settings.inspect(key)?.globalValue,
      vscode.workspace.isTrusted,
    );
    const resolved = configFromSettings(read, context.globalStorageUri.fsPath);
    problems.report(resolved.problems);
    return resolved.config;
  };

  // Untrusted: no workflow file is read, and the empty list is dropped when trust is granted.
  const discover = trustGatedDiscovery(() => vscode.workspace.isTrusted, discoverWorkflows);
  const diagnostics = new WorkflowDiagnostics();
  context.subscriptions.push(diagnostics);
  const catalog = new WorkflowCatalog(discover, (workspace, found) => {
    diagnostics.update(workspace, found.problems);
    for (const problem of found.problems) {
      const where = `${problem.file}${problem.line ? `:${problem.line}` : ''}`;
      const message = `${where}: ${problem.message}`;
      if (problem.severity === 'error') logger.child('workflows').warn(message);
      else logger.child('workflows').info(message);
    }
    log.debug(`${found.workflows.length} workflows in ${workspace}`);
  });
  // The one place the extension names the engine's class: everything past the host sees EngineApi.
  const host = new EngineHost<EngineApi>({
    logger,
    secrets: async () => ({
      apiKey: (await secrets.apiKey()).key,
      surrealPassword: await secrets.surrealPassword(),
      redisPassword: await secrets.redisPassword(),
      encryptionKey: await secrets.encryptionKey(),
    }),
    workflows: (workspace) => catalog.workflows(workspace),
    onProblem: notifyEngineProblem,
    open: (options) => CacheEngine.open(options),
  });
  const snapshots = new CacheSnapshots(host, logger.child('views'));
  context.subscriptions.push(toDisposable(() => snapshots.dispose()));

  const labels = new EntryLabels(context.workspaceState);
  const tree = new TierTreeProvider(host, snapshots, logger.child('tree'), labels);
  const treeView = vscode.window.createTreeView(TIERS_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    tree,
    treeView,
    toDisposable(snapshots.events.on('snapshot', () => (treeView.message = tree.model.message()))),
  );
  const answers = new AnswerDocuments<PreparedRun>();
  const entries = new EntryDocuments(host);
  const readOnlyDocs = new ReadOnlyDocuments();
  const dashboard = new DashboardPanel(context.extensionUri, snapshots, () => host.engineIfReady?.ledger.dailyCosts());
  const services: ExtensionServices = {
    host,
    snapshots,
    catalog,
    runner: new WorkflowRunner(host, answers, logger.child('run'), labels),
    answers,
    entries,
    labels,
    readOnlyDocs,
    dashboard,
    secrets,
    channel,
    logger: log,
  };
  context.subscriptions.push(
    new CacheStatusBar(host, snapshots),
    answers,
    new AnswerCodeLenses(answers),
    // The answer looked at last is the one commands from the Markdown preview (which carries no URI) act on.
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) answers.shown(editor.document.uri);
    }),
    entries,
    readOnlyDocs,
    dashboard,
    ...registerCommands(services),
    new WorkspaceWatchers(host, catalog, logger.child('watch')),
  );
  context.subscriptions.push(
    new PrometheusEndpoint({
      host,
      logger,
      warn: (message) => void vscode.window.showWarningMessage(message),
      metricsFor: cacheMetrics,
    }),
    new AlertNotifications({ host, logger, warn: (message) => void vscode.window.showWarningMessage(message) }),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTINGS_SECTION)) void host.applyConfig(readConfig());
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      catalog.forget();
      void host.applyConfig(readConfig());
    }),
    secrets.onDidChange(async (event) => {
      // The same secret storage backs every window: another one may have stored or cleared a key.
      if (secrets.isEncryptionKeyChange(event) || secrets.isStorePasswordChange(event)) {
        // The codec of the shared tiers and the servers' credentials are taken when the engine opens.
        void host.restart(readConfig());
      } else if (secrets.isApiKeyChange(event)) {
        host.setApiKey(await secrets.apiKeyAfterChange());
        await updateApiKeyContext(host);
      }
    }),
  );

  let prewarmedAtStartup = false;
  const notified = new Set<string>();
  context.subscriptions.push(
    toDisposable(
      host.events.on('state', (state) => {
        void vscode.commands.executeCommand('setContext', ContextKey.EngineState, state.phase);
        void updateApiKeyContext(host);
        announceState(state, notified, log, () => void host.applyConfig(readConfig()));
        if (state.phase === 'ready' && !prewarmedAtStartup) {
          prewarmedAtStartup = true;
          if (state.engine.config.prewarm.onStartup) {
            void prewarm(services, { atStartup: true }).catch((error: unknown) =>
              log.warn(`prewarm at startup failed: ${describeError(error)}`),
            );
          }
          if (state.engine.config.prewarm.fromUsage.onStartup) {
            void prewarmFromUsage(services, { atStartup: true }).catch((error: unknown) =>
              log.warn(`prewarm from usage at startup failed: ${describeError(error)}`),
            );
          }
        }
      }),
    ),
    // Closing flushes write-behind writes and the ledger; VS Code does not wait for a disposable, but the
    // ledger saves every change as it happens, so little can be lost.
    toDisposable(() => void host.close()),
  );

  void vscode.commands.executeCommand('setContext', ContextKey.EngineState, 'starting');
  void host.start(readConfig());
  log.info(`activated in ${Date.now() - started} ms; opening the cache in the background`);
}

export function deactivate(): void {
  // Everything, the engine included, is released through context.subscriptions.
}

async function updateApiKeyContext(host: EngineHost): Promise<void> {
  const engine = host.engineIfReady;
  await vscode.commands.executeCommand('setContext', ContextKey.HasApiKey, engine?.hasApiKey ?? false);
}

/** One notification per distinct problem: the engine failing to open, or a storage tier that did not open. */
function announceState(state: EngineState, notified: Set<string>, log: Logger, retry: () => void): void {
  if (state.phase === 'failed') {
    const message = `Claude Cache could not open its cache: ${describeError(state.error)}`;
    if (notified.has(message)) return;
    notified.add(message);
    void vscode.window.showErrorMessage(message, 'Show Log', 'Retry').then((choice) => {
      if (choice === 'Show Log') void vscode.commands.executeCommand(CommandId.ShowLog);
      if (choice === 'Retry') {
        notified.delete(message);
        retry();
      }
    });
    return;
  }
  if (state.phase !== 'ready') return;
  log.info(`cache open: ${state.engine.openings.map((opening) => `${opening.tier} ${opening.status}`).join(', ')}`);
  for (const opening of state.engine.openings) {
    if (opening.status !== 'failed') continue;
    const message = tierFailureMessage(opening, state.engine.config);
    if (notified.has(message)) continue;
    notified.add(message);
    void vscode.window.showWarningMessage(message, 'Show Log').then((choice) => {
      if (choice) void vscode.commands.executeCommand(CommandId.ShowLog);
    });
  }
}

function tierFailureMessage(opening: TierOpening, config: CacheConfig): string {
  if (opening.tier === 'surreal' && config.surreal.url === '') {
    return (
      `Claude Cache: the embedded SurrealDB in ${config.storageDir} could not be opened (another VS Code window ` +
      `may be using it); this window caches without it. ${opening.detail}`
    );
  }
  return `Claude Cache: ${tierLabel(opening.tier)} could not be opened; the cache works without it. ${opening.detail}`;
}
