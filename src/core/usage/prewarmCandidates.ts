import type { Dollars } from '../cost';
import { requestIdentity, requestWasRedacted, type UsageRecord } from './usageRecord';

/** A request worth prewarming: how often it missed, and what a run that called Claude cost on average. */
export interface PrewarmCandidate {
  workflow: string;
  file?: string;
  args: string[];
  inputs: Record<string, string>;
  runs: number;
  /** Runs whose answer or module answers had to be computed. */
  misses: number;
  /** Average dollars of a run that called Claude; 'unknown' when no such run had a price. */
  expectedCostUsd: Dollars;
  lastAt: number;
}

/**
 * This workspace's requests ranked by how often they missed (the result layer or any module), most recent
 * first among equals. Runs that read a selection are left out (the selection is not kept), and so are runs
 * whose file, words or inputs were not kept because they looked like secrets, and prewarm's own runs, so a
 * prewarm never ranks what it did itself.
 */
export function prewarmCandidates(records: readonly UsageRecord[], limit: number): PrewarmCandidate[] {
  const byRequest = new Map<string, PrewarmCandidate & { paidRuns: number; paidUsd: number; unknownCost: boolean }>();
  for (const record of records) {
    if (record.request.hadSelection || record.origin === 'prewarm' || requestWasRedacted(record.request)) continue;
    const id = requestIdentity(record);
    let entry = byRequest.get(id);
    if (!entry) {
      entry = {
        workflow: record.workflow,
        ...(record.request.file ? { file: record.request.file } : {}),
        args: [...record.request.args],
        inputs: { ...record.request.inputs },
        runs: 0,
        misses: 0,
        expectedCostUsd: 'unknown',
        lastAt: record.at,
        paidRuns: 0,
        paidUsd: 0,
        unknownCost: false,
      };
      byRequest.set(id, entry);
    }
    entry.runs += 1;
    entry.lastAt = Math.max(entry.lastAt, record.at);
    const missed = record.steps.some((step) => (step.layer === 'result' || step.layer === 'module') && step.outcome === 'compute');
    if (missed) entry.misses += 1;
    if (record.upstreamCalls > 0) {
      if (record.costUsd === 'unknown') entry.unknownCost = true;
      else {
        entry.paidRuns += 1;
        entry.paidUsd += record.costUsd;
      }
    }
  }
  return [...byRequest.values()]
    .filter((entry) => entry.misses > 0)
    .sort((a, b) => b.misses - a.misses || b.lastAt - a.lastAt)
    .slice(0, Math.max(0, limit))
    .map(({ paidRuns, paidUsd, unknownCost, ...candidate }) => ({
      ...candidate,
      expectedCostUsd: unknownCost || paidRuns === 0 ? 'unknown' : paidUsd / paidRuns,
    }));
}
