import type { BudgetReservation, CostLedger, Dollars } from '../cost';
import type { BudgetExceededError } from './budgetExceededError';
import { checkBudget, type BudgetCaps } from './checkBudget';

export interface BudgetClaim {
  caps: BudgetCaps;
  workflow: string;
  model: string;
  /** The call's worst-case cost (see worstCaseUsage). */
  estimateUsd: Dollars;
  /** Reserve even over the caps: the user chose to run over budget, and other runs must still see this call. */
  force?: boolean;
}

/**
 * Checks a call against the caps and, when it fits, reserves its worst case in the ledger, in one step shared
 * with every other process using the ledger: spend booked plus every live reservation counts as spent. Returns
 * the reservation to release once the call's real cost is booked (or the call failed), or the cap it breaks. A
 * call of unknown cost reserves nothing: it only runs when forced, and then there is nothing to set aside.
 */
export async function reserveWithinBudget(
  ledger: CostLedger,
  claim: BudgetClaim,
): Promise<{ reservation: BudgetReservation | undefined; problem: BudgetExceededError | undefined }> {
  const { caps, workflow, model, estimateUsd } = claim;
  let problem: BudgetExceededError | undefined;
  if (estimateUsd === 'unknown') {
    problem = claim.force ? undefined : checkBudget({ caps, workflow, model, estimateUsd, spentTodayUsd: 0, spentByWorkflowUsd: 0 });
    if (problem) {
      // The message names spend so far: read it as every other check does.
      await ledger.refresh();
      problem = checkBudget({ caps, workflow, model, estimateUsd, spentTodayUsd: ledger.spentToday(), spentByWorkflowUsd: ledger.spentToday(workflow) });
    }
    return { reservation: undefined, problem };
  }
  const { reservation } = await ledger.reserve({
    workflow,
    amountUsd: estimateUsd,
    fits: (spent) => {
      problem = checkBudget({ caps, workflow, model, estimateUsd, spentTodayUsd: spent.todayUsd, spentByWorkflowUsd: spent.workflowUsd });
      return claim.force === true || problem === undefined;
    },
  });
  return { reservation, problem: claim.force ? undefined : problem };
}
