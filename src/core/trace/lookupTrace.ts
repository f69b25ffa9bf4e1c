import type { Layer, Tier } from '../layers';

/** What one tier said to one lookup. `skipped`: not asked (its breaker is open, or memory held a stale copy). */
export interface TierProbe {
  tier: Tier;
  outcome: 'hit' | 'miss' | 'stale' | 'error' | 'skipped';
  /** Read latency; absent for memory, whose synchronous reads are not timed. */
  ms?: number;
}

/** One layer lookup of a run: where the value came from, what each tier said, why, and how long it took. */
export interface TraceStep {
  layer: Layer;
  /** For module lookups: which module. */
  module?: string;
  key: string;
  outcome: 'hit' | 'miss' | 'joined';
  /** The tier that answered, `compute` when built or paid for now, `joined` when another run's answer was shared. */
  source: Tier | 'compute' | 'joined';
  tiers: TierProbe[];
  why: string;
  /** The lookup's time, a computation (a Claude call) included. */
  ms: number;
}

/** Every lookup of one workflow run, in order. */
export interface LookupTrace {
  runId: string;
  workflow: string;
  /** Wall-clock start, epoch milliseconds. */
  startedAt: number;
  totalMs: number;
  /** True when the final answer came from the cache. */
  cached: boolean;
  steps: TraceStep[];
}
