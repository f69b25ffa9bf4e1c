import * as vscode from 'vscode';
import type { EngineProblem } from '../../core/engineProblems';
import { CommandId } from '../commands/commandId';

const OPEN_SETTINGS = 'Open Settings';
const SHOW_LOG = 'Show Log';

/**
 * Shows an engine problem (Redis refusing the password, a malformed encryption key, a storage folder that cannot
 * be written) as a warning with the two ways to act on it. The engine reports each problem once per occurrence,
 * so this does not throttle; the output channel keeps the detail either way. showWarningMessage resolves to the
 * chosen item or undefined when dismissed (https://www.mintlify.com/Microsoft/vscode/api/window); the settings
 * command takes a search query, as ConfigProblemNotifier already uses it.
 */
export function notifyEngineProblem(problem: EngineProblem): void {
  void vscode.window.showWarningMessage(`Claude Cache: ${problem.message}`, OPEN_SETTINGS, SHOW_LOG).then((choice) => {
    if (choice === OPEN_SETTINGS) void vscode.commands.executeCommand('workbench.action.openSettings', problem.setting);
    else if (choice === SHOW_LOG) void vscode.commands.executeCommand(CommandId.ShowLog);
  });
}
