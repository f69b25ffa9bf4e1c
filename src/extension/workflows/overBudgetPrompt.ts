import * as vscode from 'vscode';
import type { BudgetExceededError } from '../../core/budget';

export const RUN_ANYWAY = 'Run Anyway';

/** Asks, in a modal, whether to pay for a run that could pass a budget cap; its Cancel button declines. */
export async function askToRunOverBudget(problem: BudgetExceededError): Promise<boolean> {
  const title = problem.scope === 'daily' ? 'Claude Cache: over the daily budget' : `Claude Cache: over ${problem.workflow}'s daily budget`;
  const choice = await vscode.window.showWarningMessage(title, { modal: true, detail: problem.message }, RUN_ANYWAY);
  return choice === RUN_ANYWAY;
}
