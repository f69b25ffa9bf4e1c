import { emptyTotals, type DailyCost, type LedgerSnapshot, type LedgerTotals, type WorkflowDayCost } from './ledgerSnapshot';

/** Days of per-workflow spend a ledger keeps: enough for a monthly look back, bounded for a file read often. */
export const WORKFLOW_DAYS_KEPT = 31;

export function emptySnapshot(): LedgerSnapshot {
  return { version: 1, totals: emptyTotals(), days: [], workflowDays: [] };
}

/**
 * The sum of two snapshots: totals field by field, days and workflow days by day. Adding deltas, rather than
 * replacing the stored whole, is what lets several processes share one ledger without losing each other's spend.
 */
export function addSnapshots(a: LedgerSnapshot, b: LedgerSnapshot, keep: { days: number; workflowDays: number }): LedgerSnapshot {
  const totals: LedgerTotals = emptyTotals();
  for (const field of Object.keys(totals) as Array<keyof LedgerTotals>) totals[field] = a.totals[field] + b.totals[field];
  totals.savedUsd = totals.savedByLocalHitsUsd + totals.savedByProviderCacheUsd;

  const days = new Map<string, DailyCost>();
  for (const day of [...a.days, ...b.days]) {
    const sum = days.get(day.day);
    if (!sum) days.set(day.day, { ...day });
    else {
      sum.spentUsd += day.spentUsd;
      sum.savedUsd += day.savedUsd;
      // A source absent on either side (a day from an older file) stays unattributed: the sum keeps what is known.
      if (day.savedByLocalHitsUsd !== undefined || sum.savedByLocalHitsUsd !== undefined) {
        sum.savedByLocalHitsUsd = (sum.savedByLocalHitsUsd ?? 0) + (day.savedByLocalHitsUsd ?? 0);
      }
      if (day.savedByProviderCacheUsd !== undefined || sum.savedByProviderCacheUsd !== undefined) {
        sum.savedByProviderCacheUsd = (sum.savedByProviderCacheUsd ?? 0) + (day.savedByProviderCacheUsd ?? 0);
      }
      sum.upstreamCalls += day.upstreamCalls;
      sum.avoidedCalls += day.avoidedCalls;
    }
  }
  const workflowDays = new Map<string, WorkflowDayCost>();
  for (const day of [...(a.workflowDays ?? []), ...(b.workflowDays ?? [])]) {
    let sum = workflowDays.get(day.day);
    if (!sum) workflowDays.set(day.day, (sum = { day: day.day, spentUsd: 0, byWorkflow: {} }));
    sum.spentUsd += day.spentUsd;
    for (const [name, dollars] of Object.entries(day.byWorkflow)) sum.byWorkflow[name] = (sum.byWorkflow[name] ?? 0) + dollars;
  }
  return {
    version: 1,
    totals,
    days: newest([...days.values()], keep.days),
    workflowDays: newest([...workflowDays.values()], keep.workflowDays),
  };
}

/** The last `count` days, oldest first. */
function newest<T extends { day: string }>(days: T[], count: number): T[] {
  return days.sort((x, y) => x.day.localeCompare(y.day)).slice(Math.max(0, days.length - count));
}
