/** Running totals of what Claude calls cost and what the caches saved. */
export interface LedgerTotals {
  spentUsd: number;
  /** savedByLocalHitsUsd + savedByProviderCacheUsd. */
  savedUsd: number;
  /** What the calls answered from the local cache originally cost. */
  savedByLocalHitsUsd: number;
  /** Provider cache read discount minus write premium, over all upstream calls; may be negative. */
  savedByProviderCacheUsd: number;
  upstreamCalls: number;
  avoidedCalls: number;
  /** Calls (upstream or avoided) whose dollars are unknown because the model has no price; not in the sums. */
  unknownCostCalls: number;
}

/** One UTC day's figures, kept for budgets. */
export interface DailyCost {
  /** YYYY-MM-DD, UTC. */
  day: string;
  spentUsd: number;
  savedUsd: number;
  /**
   * savedUsd by source (the dashboard's daily history shows them apart). Absent in files written before the
   * split was kept: such a day's savedUsd has no known source.
   */
  savedByLocalHitsUsd?: number;
  savedByProviderCacheUsd?: number;
  upstreamCalls: number;
  avoidedCalls: number;
}

/** Dollars spent on one local calendar day, in all and per workflow: what the budgets are checked against. */
export interface WorkflowDayCost {
  /** YYYY-MM-DD in the machine's time zone. */
  day: string;
  spentUsd: number;
  /** Workflow name -> dollars; calls made outside a workflow count in `spentUsd` only. */
  byWorkflow: Record<string, number>;
}

/** What a ledger persists. */
export interface LedgerSnapshot {
  version: 1;
  totals: LedgerTotals;
  days: DailyCost[];
  /** Absent in files written before budgets existed. */
  workflowDays?: WorkflowDayCost[];
}

/** Whether a delta holds money spent (a budget reads it), not only money saved. */
export function carriesSpend(delta: LedgerSnapshot): boolean {
  const { spentUsd, upstreamCalls, unknownCostCalls } = delta.totals;
  return spentUsd !== 0 || upstreamCalls !== 0 || unknownCostCalls !== 0;
}

export function emptyTotals(): LedgerTotals {
  return {
    spentUsd: 0,
    savedUsd: 0,
    savedByLocalHitsUsd: 0,
    savedByProviderCacheUsd: 0,
    upstreamCalls: 0,
    avoidedCalls: 0,
    unknownCostCalls: 0,
  };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reads an untrusted value as a snapshot; a string result says what is wrong with it. */
export function parseLedgerSnapshot(value: unknown): LedgerSnapshot | string {
  if (!isRecord(value)) return 'not a JSON object';
  if (value.version !== 1) return `unsupported version ${JSON.stringify(value.version)}`;
  const totals = value.totals;
  if (!isRecord(totals)) return 'totals missing';
  for (const field of ['spentUsd', 'savedUsd', 'savedByLocalHitsUsd', 'savedByProviderCacheUsd'] as const) {
    if (!isFiniteNumber(totals[field])) return `totals.${field} is not a number`;
  }
  for (const field of ['upstreamCalls', 'avoidedCalls', 'unknownCostCalls'] as const) {
    if (!isCount(totals[field])) return `totals.${field} is not a count`;
  }
  if (!Array.isArray(value.days)) return 'days missing';
  const days: DailyCost[] = [];
  for (const entry of value.days) {
    if (
      !isRecord(entry) ||
      typeof entry.day !== 'string' ||
      !DAY.test(entry.day) ||
      !isFiniteNumber(entry.spentUsd) ||
      !isFiniteNumber(entry.savedUsd) ||
      !isCount(entry.upstreamCalls) ||
      !isCount(entry.avoidedCalls) ||
      !isOptionalFiniteNumber(entry.savedByLocalHitsUsd) ||
      !isOptionalFiniteNumber(entry.savedByProviderCacheUsd)
    ) {
      return 'a day entry is malformed';
    }
    days.push({
      day: entry.day,
      spentUsd: entry.spentUsd,
      savedUsd: entry.savedUsd,
      ...(entry.savedByLocalHitsUsd !== undefined ? { savedByLocalHitsUsd: entry.savedByLocalHitsUsd } : {}),
      ...(entry.savedByProviderCacheUsd !== undefined ? { savedByProviderCacheUsd: entry.savedByProviderCacheUsd } : {}),
      upstreamCalls: entry.upstreamCalls,
      avoidedCalls: entry.avoidedCalls,
    });
  }
  const workflowDays = parseWorkflowDays(value.workflowDays);
  if (typeof workflowDays === 'string') return workflowDays;
  return {
    version: 1,
    workflowDays,
    totals: {
      spentUsd: totals.spentUsd as number,
      savedUsd: totals.savedUsd as number,
      savedByLocalHitsUsd: totals.savedByLocalHitsUsd as number,
      savedByProviderCacheUsd: totals.savedByProviderCacheUsd as number,
      upstreamCalls: totals.upstreamCalls as number,
      avoidedCalls: totals.avoidedCalls as number,
      unknownCostCalls: totals.unknownCostCalls as number,
    },
    days,
  };
}

function parseWorkflowDays(value: unknown): WorkflowDayCost[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return 'workflowDays is not a list';
  const days: WorkflowDayCost[] = [];
  for (const entry of value) {
    if (!isRecord(entry) || typeof entry.day !== 'string' || !DAY.test(entry.day) || !isFiniteNumber(entry.spentUsd)) {
      return 'a workflowDays entry is malformed';
    }
    const byWorkflow: Record<string, number> = {};
    if (!isRecord(entry.byWorkflow)) return 'a workflowDays entry is malformed';
    for (const [name, dollars] of Object.entries(entry.byWorkflow)) {
      if (!isFiniteNumber(dollars)) return `workflowDays ${entry.day}: ${name} is not a number`;
      byWorkflow[name] = dollars;
    }
    days.push({ day: entry.day, spentUsd: entry.spentUsd, byWorkflow });
  }
  return days;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isOptionalFiniteNumber(value: unknown): value is number | undefined {
  return value === undefined || isFiniteNumber(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
