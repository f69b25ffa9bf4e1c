import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';

/** Reset Statistics: after a modal confirmation, zeroes the hit counters, latencies and the cost ledger. */
export async function resetStats(services: ExtensionServices): Promise<void> {
  const engine = await services.host.engine();
  const choice = await vscode.window.showWarningMessage(
    'Reset the cache statistics and the cost ledger (dollars spent and saved)?',
    { modal: true, detail: 'Cached entries stay; only the counters start again from zero.' },
    'Reset',
  );
  if (choice !== 'Reset') return;
  // Also zeroes the hit counts this window shared with other windows and CLI runs (stats.json).
  await engine.resetStats();
  services.dashboard.resetHistory();
  services.host.refreshNow();
  services.logger.info('statistics and cost ledger reset');
  void vscode.window.showInformationMessage('Claude Cache: statistics reset.');
}
