import * as vscode from 'vscode';
import { MANAGE_TRUST_ACTION, MANAGE_TRUST_COMMAND, untrustedWorkflowMessage } from './workflowTrust';

/**
 * True when workflows may run here. Otherwise shows why not, with a way to trust the workspace, and returns
 * false; `quietly` (prewarm at startup) skips the message, since the user asked for nothing.
 */
export function workflowsTrusted(what: 'run' | 'prewarm', options: { quietly?: boolean } = {}): boolean {
  if (vscode.workspace.isTrusted) return true;
  if (!options.quietly) {
    void vscode.window.showWarningMessage(untrustedWorkflowMessage(what), MANAGE_TRUST_ACTION).then((choice) => {
      if (choice === MANAGE_TRUST_ACTION) void vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
    });
  }
  return false;
}
