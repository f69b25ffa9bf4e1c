import type { Dollars } from '../cost';
import { BudgetExceededError } from './budgetExceededError';

/** Dollar caps per local calendar day; 0 means no cap. */
export interface BudgetCaps {
  dailyUsd: number;
  perWorkflowUsd: number;
}

export interface BudgetQuestion {
  caps: BudgetCaps;
  workflow: string;
  model: string;
  /** Worst-case cost of the call about to be made. */
  estimateUsd: Dollars;
  /** Today's spend over every workflow and process. */
  spentTodayUsd: number;
  /** Today's spend of this workflow. */
  spentByWorkflowUsd: number;
}

export function hasBudget(caps: BudgetCaps | undefined): caps is BudgetCaps {
  return caps !== undefined && (caps.dailyUsd > 0 || caps.perWorkflowUsd > 0);
}

/**
 * The cap a call would break, or undefined when it fits: spend so far plus the call's worst case must stay
 * within each cap that is set. A call of unknown cost cannot be promised to fit, so any cap refuses it.
 */
export function checkBudget(question: BudgetQuestion): BudgetExceededError | undefined {
  const { caps, workflow, model, estimateUsd } = question;
  const limits = [
    { scope: 'daily' as const, cap: caps.dailyUsd, spent: question.spentTodayUsd },
    { scope: 'workflow' as const, cap: caps.perWorkflowUsd, spent: question.spentByWorkflowUsd },
  ];
  for (const { scope, cap, spent } of limits) {
    if (cap <= 0) continue;
    if (estimateUsd === 'unknown' || spent + estimateUsd > cap) {
      return new BudgetExceededError(scope, workflow, model, spent, cap, estimateUsd);
    }
  }
  return undefined;
}
