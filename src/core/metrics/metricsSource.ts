import type { AlertMonitor } from '../alerts';
import type { CostLedger } from '../cost';
import type { ObserverSet } from '../observe/observerSet';
import type { LifetimeCounters } from '../stats/lifetimeCounters';
import type { TieredCache } from '../tiered/tieredCache';

/** What the metrics read from an engine (CacheEngine fits it); narrow so tests and other hosts can supply one. */
export interface MetricsSource {
  readonly observers: ObserverSet;
  readonly cache: Pick<TieredCache, 'stats' | 'tierStatus' | 'memoryReport'>;
  readonly ledger: Pick<CostLedger, 'totals'>;
  /** Hits and misses over every process that shares the storage folder. */
  lifetimeCounts(): Promise<LifetimeCounters>;
  /** The engine's alert rules, evaluated afresh at each scrape; absent for a source without alerts. */
  readonly alerts?: Pick<AlertMonitor, 'refresh'>;
}
