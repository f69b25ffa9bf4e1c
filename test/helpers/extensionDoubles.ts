// Test doubles shared by the extension's plain-Node specs (this file holds no tests itself).
import type { Alert, AlertMonitorEvents } from '../../src/core/alerts';
import { DEFAULT_CONFIG, type CacheConfig } from '../../src/core/config';
import { emptyTotals as noTotals, type CostLedgerEvents, type LedgerTotals } from '../../src/core/cost';
import type { HostedEngine, TierOpening } from '../../src/core/engine';
import { TypedEmitter } from '../../src/core/events';
import { LAYERS, TIERS, type Layer, type Tier, type TierStatus } from '../../src/core/layers';
import { createLogger, type Logger } from '../../src/core/logger';
import type { CacheReport } from '../../src/core/tiered/tieredCache';
import type { CacheEvents } from '../../src/core/tiered/tierTypes';
import type { CacheSnapshot } from '../../src/extension/engine/cacheSnapshots';
import { tierHealth } from '../../src/extension/engine/tierHealth';

/** A logger that remembers what it was told. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger((level, message) => lines.push(`${level}: ${message}`));
  return Object.assign(logger, { lines });
}

export function emptyTotals(overrides: Partial<LedgerTotals> = {}): LedgerTotals {
  return { ...noTotals(), ...overrides };
}

export interface ReportShape {
  layers?: Partial<Record<Layer, Partial<CacheReport['layers'][Layer]>>>;
  tiers?: Partial<Record<Tier, Partial<CacheReport['tiers'][Tier]>>>;
}

export function report(shape: ReportShape = {}): CacheReport {
  const layers = {} as CacheReport['layers'];
  for (const layer of LAYERS) {
    layers[layer] = { hits: 0, misses: 0, hitRate: 0, computations: 0, entries: 0, bytes: 0, budgetBytes: 1024 * 1024, ...shape.layers?.[layer] };
  }
  const tiers = {} as CacheReport['tiers'];
  for (const tier of TIERS) {
    tiers[tier] = {
      status: tier === 'memory' ? 'up' : 'off',
      hits: 0,
      misses: 0,
      errors: 0,
      evictions: 0,
      entries: 0,
      bytes: 0,
      latency: { count: 0, p50Micros: 0, p99Micros: 0, maxMicros: 0 },
      ...shape.tiers?.[tier],
    };
  }
  return { layers, tiers };
}

export function snapshot(
  shape: ReportShape = {},
  options: { openings?: TierOpening[]; totals?: Partial<LedgerTotals>; takenAt?: number } = {},
): CacheSnapshot {
  const cacheReport = report(shape);
  const openings = options.openings ?? [];
  const health = {} as Record<Tier, CacheSnapshot['health'][Tier]>;
  for (const tier of TIERS) health[tier] = tierHealth(tier, cacheReport.tiers[tier].status as TierStatus, openings);
  return {
    takenAt: options.takenAt ?? 1_700_000_000_000,
    report: cacheReport,
    totals: emptyTotals(options.totals),
    openings,
    health,
    hasApiKey: true,
  };
}

/** A HostedEngine (what the host, the snapshots and the alert notifications touch), observable. */
export interface FakeEngine {
  readonly engine: HostedEngine;
  readonly cacheEvents: TypedEmitter<CacheEvents>;
  readonly ledgerEvents: TypedEmitter<CostLedgerEvents>;
  readonly applied: unknown[];
  apiKey: string | undefined;
  closed: number;
  reopenNeeded: boolean;
  currentReport: CacheReport;
  /** The engine's alert monitor: set `currentAlerts` and emit on `alertEvents` to raise or clear alerts. */
  currentAlerts: Alert[];
  readonly alertEvents: TypedEmitter<AlertMonitorEvents>;
}

export function fakeEngine(options: { openings?: TierOpening[] } = {}): FakeEngine {
  const cacheEvents = new TypedEmitter<CacheEvents>();
  const ledgerEvents = new TypedEmitter<CostLedgerEvents>();
  const alertEvents = new TypedEmitter<AlertMonitorEvents>();
  let config: CacheConfig = DEFAULT_CONFIG;
  // The engine's members read the fake's fields when called, so a test can change them after opening.
  const engine: HostedEngine = {
    get config() {
      return config;
    },
    openings: options.openings ?? [{ tier: 'memory', status: 'up', detail: 'in process' }],
    alerts: { active: () => fake.currentAlerts, events: alertEvents },
    cache: { events: cacheEvents, report: async () => fake.currentReport },
    ledger: { on: ledgerEvents.on.bind(ledgerEvents), totals: () => emptyTotals(), spentToday: () => 0 },
    get hasApiKey() {
      return Boolean(fake.apiKey);
    },
    setApiKey: (key) => {
      fake.apiKey = key;
    },
    applyConfig: (next) => {
      config = next;
      fake.applied.push(next);
      return { reopenNeeded: fake.reopenNeeded };
    },
    close: async () => {
      fake.closed += 1;
    },
  };
  const fake: FakeEngine = {
    engine,
    cacheEvents,
    ledgerEvents,
    applied: [],
    apiKey: undefined,
    closed: 0,
    reopenNeeded: false,
    currentReport: report(),
    currentAlerts: [],
    alertEvents,
  };
  return fake;
}
