import { LAYERS, TIERS, type Layer, type Tier, type TierStatus } from '../../core/layers';
import type { CacheSnapshot } from '../engine/cacheSnapshots';

/** One point of the dashboard's charts; plain JSON, posted to the webview as is. */
export interface DashboardSample {
  /** Epoch milliseconds. */
  t: number;
  /** Hit rate since the last reset per layer, 0..1; null before the layer's first lookup. */
  hitRate: Record<Layer, number | null>;
  hits: number;
  misses: number;
  spentUsd: number;
  savedByLocalHitsUsd: number;
  savedByProviderCacheUsd: number;
  upstreamCalls: number;
  avoidedCalls: number;
  /** Operation latency per tier; null for a tier that has not been used. */
  latency: Record<Tier, { p50Micros: number; p99Micros: number } | null>;
  tierStatus: Record<Tier, TierStatus>;
}

export function sampleOf(snapshot: CacheSnapshot): DashboardSample {
  const hitRate = {} as DashboardSample['hitRate'];
  let hits = 0;
  let misses = 0;
  for (const layer of LAYERS) {
    const counters = snapshot.report.layers[layer];
    hits += counters.hits;
    misses += counters.misses;
    hitRate[layer] = counters.hits + counters.misses === 0 ? null : counters.hitRate;
  }
  const latency = {} as DashboardSample['latency'];
  const tierStatus = {} as DashboardSample['tierStatus'];
  for (const tier of TIERS) {
    const summary = snapshot.report.tiers[tier].latency;
    latency[tier] = summary.count === 0 ? null : { p50Micros: summary.p50Micros, p99Micros: summary.p99Micros };
    tierStatus[tier] = snapshot.health[tier].status;
  }
  return {
    t: snapshot.takenAt,
    hitRate,
    hits,
    misses,
    spentUsd: snapshot.totals.spentUsd,
    savedByLocalHitsUsd: snapshot.totals.savedByLocalHitsUsd,
    savedByProviderCacheUsd: snapshot.totals.savedByProviderCacheUsd,
    upstreamCalls: snapshot.totals.upstreamCalls,
    avoidedCalls: snapshot.totals.avoidedCalls,
    latency,
    tierStatus,
  };
}
