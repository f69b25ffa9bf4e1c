import type { PrewarmItem, PrewarmOutcome } from '../engine';
import { prewarmCandidates, type PrewarmCandidate } from './prewarmCandidates';
import { formatDollars } from '../format/money';
import type { UsageRecord } from './usageRecord';

export interface UsagePrewarmOptions {
  /** Dollars this prewarm may spend; it stops before a run whose expected cost would pass it. */
  maxUsd: number;
  /** Most runs it makes. */
  maxItems: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, outcome: PrewarmOutcome) => void;
}

/** What a prewarm from usage did, and why it stopped. */
export interface UsagePrewarmReport {
  candidates: PrewarmCandidate[];
  outcomes: PrewarmOutcome[];
  spentUsd: number;
  upstreamCalls: number;
  /** `done`: every candidate ran; `cap`: the next run would have passed maxUsd; `cancelled`: the signal fired. */
  stoppedBy: 'done' | 'cap' | 'cancelled';
  /** Candidates left out, each with the reason. */
  skipped: Array<{ candidate: PrewarmCandidate; reason: string }>;
}

export interface UsagePrewarmDependencies {
  /** This workspace's records, newest first. */
  records: () => Promise<UsageRecord[]>;
  /** One run through the pipeline; a fresh entry answers from the cache without calling Claude. */
  run: (item: PrewarmItem, signal: AbortSignal | undefined) => Promise<PrewarmOutcome>;
}

/**
 * Re-runs this workspace's most often missed requests, most missed first. A run goes through the pipeline like
 * any other, so an entry that is still fresh is answered by the cache and costs nothing; a run whose expected
 * cost (its past average) would take the total past the cap is not started, and neither is any after it.
 */
export async function prewarmFromUsage(deps: UsagePrewarmDependencies, options: UsagePrewarmOptions): Promise<UsagePrewarmReport> {
  const candidates = prewarmCandidates(await deps.records(), options.maxItems);
  const report: UsagePrewarmReport = { candidates, outcomes: [], spentUsd: 0, upstreamCalls: 0, stoppedBy: 'done', skipped: [] };
  for (const [index, candidate] of candidates.entries()) {
    if (options.signal?.aborted) {
      report.stoppedBy = 'cancelled';
      break;
    }
    if (candidate.expectedCostUsd === 'unknown') {
      report.skipped.push({ candidate, reason: 'its cost is unknown (no price for its model), so the cap could not be kept' });
      continue;
    }
    if (report.spentUsd + candidate.expectedCostUsd > options.maxUsd) {
      report.stoppedBy = 'cap';
      const left = candidates.slice(index).filter((other) => !report.skipped.some((skip) => skip.candidate === other));
      for (const other of left) {
        report.skipped.push({ candidate: other, reason: `the cap of ${formatDollars(options.maxUsd)} would be passed` });
      }
      break;
    }
    const item: PrewarmItem = {
      workflow: candidate.workflow,
      ...(candidate.args.length > 0 ? { args: candidate.args } : {}),
      ...(Object.keys(candidate.inputs).length > 0 ? { inputs: candidate.inputs } : {}),
      ...(candidate.file ? { file: candidate.file } : {}),
    };
    const outcome = await deps.run(item, options.signal);
    report.outcomes.push(outcome);
    if (outcome.result) {
      if (outcome.result.costUsd !== 'unknown') report.spentUsd += outcome.result.costUsd;
      report.upstreamCalls += outcome.result.upstreamCalls;
    }
    options.onProgress?.(report.outcomes.length, candidates.length, outcome);
  }
  if (options.signal?.aborted) report.stoppedBy = 'cancelled';
  return report;
}
