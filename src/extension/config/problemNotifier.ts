import * as vscode from 'vscode';
import type { ConfigProblem } from '../../core/config';
import type { Logger } from '../../core/logger';

/**
 * Shows each refused setting once, as a warning that names it, and logs it. A problem shown before is not
 * repeated on the next settings change; fixing it and breaking it again shows it again.
 */
export class ConfigProblemNotifier {
  private shown = new Set<string>();

  constructor(private readonly logger: Logger) {}

  report(problems: readonly ConfigProblem[]): void {
    const current = new Set(problems.map((problem) => problem.message));
    for (const problem of problems) {
      if (this.shown.has(problem.message)) continue;
      this.logger.warn(problem.message);
      void vscode.window.showWarningMessage(problem.message, 'Open Setting').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', problem.setting);
      });
    }
    this.shown = current;
  }
}
