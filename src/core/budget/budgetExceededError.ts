import { CacheError } from '../errors';
import { formatDollars } from '../format/money';
import type { Dollars } from '../cost';

/** Which cap a run would break: the day's total, or its workflow's share of the day. */
export type BudgetScope = 'daily' | 'workflow';

/** A run's Claude call would take today's spend past a dollar cap (or its cost cannot be bounded). */
export class BudgetExceededError extends CacheError {
  readonly code = 'E_BUDGET_EXCEEDED';

  constructor(
    readonly scope: BudgetScope,
    readonly workflow: string,
    readonly model: string,
    /** Today's spend that counts against the cap (all workflows for `daily`, this one for `workflow`). */
    readonly spentUsd: number,
    readonly capUsd: number,
    /** The call's worst-case cost; 'unknown' when the model has no price. */
    readonly estimateUsd: Dollars,
  ) {
    super(budgetMessage(scope, workflow, model, spentUsd, capUsd, estimateUsd));
  }
}

function budgetMessage(scope: BudgetScope, workflow: string, model: string, spent: number, cap: number, estimate: Dollars): string {
  const setting = scope === 'daily' ? 'claudeCache.budget.dailyUsd' : 'claudeCache.budget.perWorkflowUsd';
  const capText = scope === 'daily' ? `the ${usd(cap)} daily budget (${setting})` : `the ${usd(cap)} per-workflow daily budget (${setting})`;
  if (estimate === 'unknown') {
    return `The price of ${model} is unknown, so the cost of running ${workflow} cannot be kept within ${capText}; add the model to claudeCache.prices, or run it anyway.`;
  }
  const spentText = scope === 'daily' ? `today's spend is ${usd(spent)}` : `${workflow} has spent ${usd(spent)} today`;
  return `Running ${workflow} could cost up to ${usd(estimate)}, and ${spentText} of ${capText}.`;
}

/** Money as everything else writes it: the one formatter (src/core/format/money.ts). */
const usd = formatDollars;
