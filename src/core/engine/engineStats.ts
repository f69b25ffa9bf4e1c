import type { Alert, AlertMonitor } from '../alerts';
import type { CostLedger, LedgerTotals } from '../cost';
import { LAYERS, TIERS, type Layer, type Tier, type TierStatus } from '../layers';
import type { SessionCounters } from '../stats/sessionCounters';
import { hitRate } from '../tiered/cacheStats';
import type { TieredCache } from '../tiered/tieredCache';
import type { TierOpening } from '../tiers/sharedTierDriver';
import type { SelfTuning, TuningStats } from '../tuning/selfTuning';

/** The `stats --json` contract (ARCHITECTURE.md). */
export interface EngineStats {
  layers: Record<Layer, { hits: number; misses: number; hitRate: number; entries: number; bytes: number }>;
  /**
   * `status` is what the last operation on the tier showed (up, degraded, down) or off when not configured;
   * `reason` says why a tier is degraded or down (absent otherwise).
   */
  tiers: Record<Tier, { status: TierStatus; reason?: string; hits: number; entries: number; bytes: number }>;
  /** The ledger's totals as the contract names them (calls of unknown cost are counted by the ledger only). */
  cost: Omit<LedgerTotals, 'unknownCostCalls'>;
  /** Effective TTLs and their changes, the provider-cache choice and where the usage log lives. */
  tuning?: TuningStats;
  /** Rules broken now (hit rate below target, evictions, memory nearly full, tier errors); empty when all is well. */
  alerts?: Alert[];
}

export interface EngineStatsSources {
  cache: TieredCache;
  ledger: CostLedger;
  counters: SessionCounters;
  openings: readonly TierOpening[];
  tuning: SelfTuning;
  alerts: AlertMonitor;
}

/**
 * Hit rates over every process that used this storage folder (editor windows and CLI runs), tier health and
 * sizes now, and the ledger's dollars.
 */
export async function engineStats(sources: EngineStatsSources): Promise<EngineStats> {
  // Other windows' and CLI runs' spend, saved since this process last read the ledger.
  await sources.ledger.refresh();
  const [report, counted] = await Promise.all([sources.cache.report(), sources.counters.lifetime()]);
  const totals: LedgerTotals = sources.ledger.totals();
  const layers = {} as EngineStats['layers'];
  for (const layer of LAYERS) {
    const { hits, misses } = counted.layers[layer];
    const { entries, bytes } = report.layers[layer];
    layers[layer] = { hits, misses, hitRate: hitRate(hits, misses), entries, bytes };
  }
  const tiers = {} as EngineStats['tiers'];
  for (const tier of TIERS) {
    const { status, reason, entries, bytes } = report.tiers[tier];
    // A configured tier that did not open is off in the cache, but down to the user, who set it up.
    const failed = sources.openings.find((opening) => opening.tier === tier && opening.status === 'failed');
    const health = failed ? { status: 'down' as const, reason: failed.detail } : { status, ...(reason !== undefined ? { reason } : {}) };
    tiers[tier] = { ...health, hits: counted.tiers[tier].hits, entries, bytes };
  }
  return {
    layers,
    tiers,
    cost: {
      spentUsd: totals.spentUsd,
      savedUsd: totals.savedUsd,
      savedByLocalHitsUsd: totals.savedByLocalHitsUsd,
      savedByProviderCacheUsd: totals.savedByProviderCacheUsd,
      upstreamCalls: totals.upstreamCalls,
      avoidedCalls: totals.avoidedCalls,
    },
    tuning: sources.tuning.stats(),
    alerts: await sources.alerts.refresh(),
  };
}
