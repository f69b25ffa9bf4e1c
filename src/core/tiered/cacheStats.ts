import { LAYERS, TIERS, type Layer, type Tier } from '../layers';
import { LatencyHistogram, type LatencySummary } from './latencyHistogram';

export interface LayerCounters {
  hits: number;
  misses: number;
  /** Values computed (and paid for) because every tier missed. */
  computations: number;
  /** Callers that joined a computation already under way instead of starting their own. */
  sharedComputations: number;
}

export interface TierCounters {
  hits: number;
  misses: number;
  writes: number;
  errors: number;
  evictions: number;
  /** Stored values dropped as misses: bytes that did not decode, or decoded to a value of the wrong shape. */
  corruptEntries: number;
}

export interface StatsSnapshot {
  layers: Record<Layer, LayerCounters & { hitRate: number }>;
  tiers: Record<Tier, TierCounters & { latency: LatencySummary }>;
}

function emptyLayer(): LayerCounters {
  return { hits: 0, misses: 0, computations: 0, sharedComputations: 0 };
}

function emptyTier(): TierCounters {
  return { hits: 0, misses: 0, writes: 0, errors: 0, evictions: 0, corruptEntries: 0 };
}

export function hitRate(hits: number, misses: number): number {
  const total = hits + misses;
  return total === 0 ? 0 : hits / total;
}

/** Counters the tiered cache bumps on every operation; plain fields so the hot path pays one increment. */
export class CacheStats {
  readonly layers = {} as Record<Layer, LayerCounters>;
  readonly tiers = {} as Record<Tier, TierCounters>;
  readonly latency = {} as Record<Tier, LatencyHistogram>;

  constructor() {
    for (const layer of LAYERS) this.layers[layer] = emptyLayer();
    for (const tier of TIERS) {
      this.tiers[tier] = emptyTier();
      this.latency[tier] = new LatencyHistogram();
    }
  }

  snapshot(): StatsSnapshot {
    const layers = {} as StatsSnapshot['layers'];
    for (const layer of LAYERS) {
      const counters = this.layers[layer];
      layers[layer] = { ...counters, hitRate: hitRate(counters.hits, counters.misses) };
    }
    const tiers = {} as StatsSnapshot['tiers'];
    for (const tier of TIERS) tiers[tier] = { ...this.tiers[tier], latency: this.latency[tier].summary() };
    return { layers, tiers };
  }

  reset(): void {
    for (const layer of LAYERS) this.layers[layer] = emptyLayer();
    for (const tier of TIERS) {
      this.tiers[tier] = emptyTier();
      this.latency[tier].reset();
    }
  }
}
