import { LAYERS, TIERS, type Layer, type Tier, type TierStatus } from '../layers';
import type { StoreUsage } from '../stores/store';
import { hitRate, type CacheStats, type StatsSnapshot } from './cacheStats';
import type { TierHealth } from './tierHealth';
import type { MemoryTier } from './tierTypes';

export interface TierReport {
  /** Observed health: what the last operation on the tier did (see TierHealthTracker). */
  status: TierStatus;
  /** Why the tier is degraded or down; absent while it is up or off. */
  reason?: string;
  hits: number;
  misses: number;
  errors: number;
  evictions: number;
  entries: number;
  bytes: number;
  latency: StatsSnapshot['tiers'][Tier]['latency'];
}

export interface CacheReport {
  layers: Record<Layer, { hits: number; misses: number; hitRate: number; computations: number; entries: number; bytes: number; budgetBytes: number }>;
  tiers: Record<Tier, TierReport>;
}

export interface MemoryLayerReport {
  entries: number;
  bytes: number;
  budgetBytes: number;
  /** Entries pushed out to stay within the budget, since this process started. */
  evictions: number;
}

/** What a report is made from: the counters, the memory tier, and each tier's health and sizes. */
export interface ReportSources {
  stats: CacheStats;
  memory: MemoryTier;
  health: (tier: Tier) => TierHealth;
  /** A tier's size in one layer; a failing or absent tier reads as 0. */
  usage: (tier: Tier, layer: Layer) => Promise<StoreUsage>;
}

/** Counters, tier health and sizes of every tier in every layer. */
export async function buildCacheReport(sources: ReportSources): Promise<CacheReport> {
  const { stats, memory } = sources;
  const snapshot = stats.snapshot();
  const perTier = await Promise.all(TIERS.map(async (tier) => Promise.all(LAYERS.map((layer) => sources.usage(tier, layer)))));
  const layers = {} as CacheReport['layers'];
  LAYERS.forEach((layer, layerIndex) => {
    const counters = snapshot.layers[layer];
    const memoryUsage = perTier[0]?.[layerIndex] ?? { entries: 0, bytes: 0 };
    layers[layer] = {
      hits: counters.hits,
      misses: counters.misses,
      hitRate: hitRate(counters.hits, counters.misses),
      computations: counters.computations,
      entries: memoryUsage.entries,
      bytes: memoryUsage.bytes,
      budgetBytes: memory.budget(layer),
    };
  });
  const tiers = {} as CacheReport['tiers'];
  TIERS.forEach((tier, tierIndex) => {
    const counters = snapshot.tiers[tier];
    const sizes = perTier[tierIndex] ?? [];
    const health = sources.health(tier);
    tiers[tier] = {
      status: health.status,
      ...(health.reason !== undefined ? { reason: health.reason } : {}),
      hits: counters.hits,
      misses: counters.misses,
      errors: counters.errors,
      evictions: tier === 'memory' ? LAYERS.reduce((sum, layer) => sum + memory.evictions(layer), 0) : counters.evictions,
      entries: sizes.reduce((sum, u) => sum + u.entries, 0),
      bytes: sizes.reduce((sum, u) => sum + u.bytes, 0),
      latency: counters.latency,
    };
  });
  return { layers, tiers };
}

/** The memory tier's figures per layer, without asking the shared tiers: cheap enough for every metrics scrape. */
export async function buildMemoryReport(memory: MemoryTier): Promise<Record<Layer, MemoryLayerReport>> {
  const report = {} as Record<Layer, MemoryLayerReport>;
  for (const layer of LAYERS) {
    const usage = await memory.usage(layer);
    report[layer] = { ...usage, budgetBytes: memory.budget(layer), evictions: memory.evictions(layer) };
  }
  return report;
}
