import type { Dollars } from '../cost';
import type { Layer } from '../layers';
import type { RunResult } from '../pipeline';
import type { RemoteTier } from '../tiered/tierTypes';

/**
 * One read of a shared tier (Redis, SurrealDB). Only these are timed: they are asynchronous anyway, while a
 * synchronous memory hit is counted by the cache's plain counters and never timed (it must stay near raw
 * LRUCache.get).
 */
export interface TierRead {
  layer: Layer;
  tier: RemoteTier;
  key: string;
  /** `error`: the store failed or was too slow; the cache skipped it. */
  outcome: 'hit' | 'miss' | 'error';
  seconds: number;
}

/** One call to the Claude API, as the pipeline made it. */
export interface UpstreamCall {
  model: string;
  seconds: number;
  outcome: 'ok' | 'error';
  /** Zero for a failed call; 'unknown' when the model has no price. */
  costUsd: Dollars;
  providerCacheSavingUsd: Dollars;
}

/**
 * The engine's one observation hook: metrics, traces and alerts subscribe to it. Every method is optional and
 * must return quickly; counts that the cache already keeps (hits, misses, evictions, errors) are read from its
 * counters instead of being reported here.
 */
export interface EngineObserver {
  tierRead?(read: TierRead): void;
  upstreamCall?(call: UpstreamCall): void;
  /** A workflow run finished (its result carries the lookup trace). */
  runFinished?(result: RunResult): void;
}
