import { hasBudget } from '../../core/budget';
import type { CostLedger } from '../../core/cost';
import type { EngineApi } from '../../core/engine';

/** Today's spend against the caps, for the status bar; undefined when no cap is set. */
export interface TodayBudget {
  readonly spentTodayUsd: number;
  readonly dailyCapUsd: number;
  readonly perWorkflowCapUsd: number;
}

/**
 * As this process's ledger knows it; other windows' and CLI runs' spend arrives when the ledger is re-read (the
 * status bar does that now and then while a budget is shown).
 */
export function todayBudget(
  engine: Pick<EngineApi, 'config'> & { readonly ledger: Pick<CostLedger, 'spentToday'> },
): TodayBudget | undefined {
  const caps = engine.config.budget;
  if (!hasBudget(caps)) return undefined;
  return { spentTodayUsd: engine.ledger.spentToday(), dailyCapUsd: caps.dailyUsd, perWorkflowCapUsd: caps.perWorkflowUsd };
}
