import { hasBudget } from '../../core/budget';
import type { CacheEngine } from '../../core/engine';

/** Today's spend against the caps, for the status bar; undefined when no cap is set. */
export interface TodayBudget {
  readonly spentTodayUsd: number;
  readonly dailyCapUsd: number;
  readonly perWorkflowCapUsd: number;
}

/** Re-reads the shared ledger first, so other windows' and CLI runs' spend shows too. */
export async function readTodayBudget(engine: CacheEngine): Promise<TodayBudget | undefined> {
  const caps = engine.config.budget;
  if (!hasBudget(caps)) return undefined;
  await engine.ledger.refresh();
  return { spentTodayUsd: engine.ledger.spentToday(), dailyCapUsd: caps.dailyUsd, perWorkflowCapUsd: caps.perWorkflowUsd };
}
