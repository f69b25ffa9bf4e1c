import { LAYERS, SHARED_TIERS, type Layer } from '../layers';
import type { RemoteTier } from '../tiered/tierTypes';
import type { LifetimeCounters } from '../stats/lifetimeCounters';
import type { TieredCache } from '../tiered/tieredCache';
import type { AlertSample } from './alert';

/** What alerts read from an engine (CacheEngine fits it). */
export interface AlertSampleSource {
  readonly cache: Pick<TieredCache, 'stats' | 'memoryReport'>;
  lifetimeCounts(): Promise<LifetimeCounters>;
}

/**
 * The counters alerts are computed from: hit rates from the counters shared by every process on the storage
 * folder (so `stats` in a fresh CLI process has something to judge), the rest from this process.
 */
export async function engineAlertSample(source: AlertSampleSource): Promise<Omit<AlertSample, 'at'>> {
  const [counts, memory] = await Promise.all([source.lifetimeCounts(), source.cache.memoryReport()]);
  const stats = source.cache.stats;
  const layers = {} as AlertSample['layers'];
  const use = {} as AlertSample['memory'];
  let evictions = 0;
  for (const layer of LAYERS as readonly Layer[]) {
    layers[layer] = { ...counts.layers[layer] };
    use[layer] = { bytes: memory[layer].bytes, budgetBytes: memory[layer].budgetBytes };
    evictions += memory[layer].evictions;
  }
  // Answered operations are timed (the histogram's count); failed ones are counted as errors.
  const operations = (tier: RemoteTier) => stats.latency[tier].summary().count + stats.tiers[tier].errors;
  const tiers = {} as AlertSample['tiers'];
  for (const tier of SHARED_TIERS) tiers[tier] = { operations: operations(tier), errors: stats.tiers[tier].errors };
  return {
    layers,
    memoryWrites: stats.tiers.memory.writes,
    evictions,
    tiers,
    memory: use,
  };
}
