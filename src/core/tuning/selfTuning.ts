import path from 'node:path';
import type { ProviderCacheTtl } from '../claude';
import type { Clock } from '../clock';
import type { CacheConfig, ProviderCacheMode } from '../config';
import type { CostLedger } from '../cost';
import { describeError } from '../errors';
import { LAYERS, type Layer } from '../layers';
import type { Logger } from '../logger';
import type { RunRequest, RunResult } from '../pipeline';
import type { LayerPolicy } from '../tiered/tierTypes';
import { MemoryUsageStore } from '../usage/memoryUsageStore';
import { SurrealUsageStore, type DeferredSurreal, type SurrealQuery } from '../usage/surrealUsageStore';
import type { UsageSpool } from '../usage/usageSpool';
import { UsageLog } from '../usage/usageLog';
import { usageRecordOf } from '../usage/usageRecord';
import type { UsageSealing } from '../usage/usageSealing';
import type { UsageStore } from '../usage/usageStore';
import { ProviderCacheChoice, type ProviderCacheDecision } from './providerCacheChoice';
import { TtlTuner, type TtlBounds, type TtlChange } from './ttlTuner';

/** The `tuning` part of the engine's stats. */
export interface TuningStats {
  /** Where the usage log keeps its records. */
  usageLog: 'surreal' | 'memory';
  ttlTuning: {
    enabled: boolean;
    /** The TTL each layer's new entries get now (tuned, or as configured when tuning is off). */
    ttlSeconds: Record<Layer, number>;
    /** The latest changes, oldest first. */
    changes: TtlChange[];
  };
  providerCache: {
    mode: ProviderCacheMode;
    /** For `auto`: the TTL chosen per workflow and its expected saving over the observed calls. */
    decisions: ProviderCacheDecision[];
  };
}

export interface SelfTuningOptions {
  config: CacheConfig;
  /** The engine's SurrealDB connection, when that tier is up; the log falls back to memory without it. */
  surreal?: SurrealQuery;
  /** Where rows wait while SurrealDB is not open (see UsageSpool); also drained into it once open. */
  usageSpool?: UsageSpool;
  /** When SurrealDB opens on first need: rows are spooled until then, instead of opening it. */
  surrealDeferred?: DeferredSurreal;
  /** Seals the records written to SurrealDB when the shared tiers' encryption key is set. */
  usageSealing?: UsageSealing;
  ledger: CostLedger;
  clock: Clock;
  logger: Logger;
  /** The layer policies the settings give, before tuning. */
  policiesOf: (config: CacheConfig) => Record<Layer, LayerPolicy>;
  /** Applies tuned policies to the cache. */
  applyPolicies: (policies: Record<Layer, LayerPolicy>) => void;
  /** Overrides of the log's batching, for tests; see UsageLogOptions. */
  flushIntervalMs?: number;
}

/**
 * The self-tuning core: the usage log every run is recorded in, and what reads it as runs happen (TTL tuning,
 * the provider-cache TTL for `auto`). Prewarming from usage reads the log back (see usagePrewarm.ts).
 */
export class SelfTuning {
  private config: CacheConfig;

  private constructor(
    readonly log: UsageLog,
    readonly ttl: TtlTuner,
    readonly providerCache: ProviderCacheChoice,
    private readonly options: SelfTuningOptions,
  ) {
    this.config = options.config;
    log.onRecord((record) => {
      ttl.observe(record);
      providerCache.observe(record);
    });
  }

  static async open(options: SelfTuningOptions): Promise<SelfTuning> {
    const logger = options.logger.child('usage');
    let store: UsageStore = new MemoryUsageStore();
    if (options.surreal) {
      try {
        store = await SurrealUsageStore.open(options.surreal, {
          ...(options.usageSealing ? { sealing: options.usageSealing } : {}),
          ...(options.usageSpool ? { spool: options.usageSpool } : {}),
          ...(options.surrealDeferred ? { deferred: options.surrealDeferred } : {}),
        });
      } catch (error) {
        logger.warn(`usage log kept in memory: SurrealDB refused its table (${describeError(error)})`);
      }
    } else {
      logger.info('usage log kept in memory for this session: SurrealDB is off');
    }
    const config = options.config;
    const log = new UsageLog({
      store,
      maxAgeMs: config.usage.retentionDays * 86_400_000,
      maxRecords: config.usage.maxRecords,
      clock: options.clock,
      logger: options.logger,
      ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
    });
    let tuning: SelfTuning | undefined;
    const ttl = new TtlTuner({
      ...ttlSettings(config, options.policiesOf),
      logger: options.logger,
      onChange: () => tuning?.applyTunedPolicies(),
    });
    const providerCache = new ProviderCacheChoice({
      costOf: (model, usage) => options.ledger.costOf(model, usage),
      logger: options.logger,
    });
    tuning = new SelfTuning(log, ttl, providerCache, options);
    tuning.applyTunedPolicies();
    return tuning;
  }

  /** The pipeline's onRunFinished: one usage record per run. */
  recordRun(request: RunRequest, result: RunResult, durationMs: number): void {
    const record = usageRecordOf(
      {
        workspace: path.resolve(request.workspace),
        ...(request.filePath ? { file: path.relative(path.resolve(request.workspace), path.resolve(request.workspace, request.filePath)) } : {}),
        ...(request.params?.args ? { args: request.params.args } : {}),
        ...(request.params?.inputs ? { inputs: request.params.inputs } : {}),
        ...(request.selection !== undefined ? { selection: request.selection } : {}),
        ...(request.origin ? { origin: request.origin } : {}),
      },
      result,
      this.options.clock.now(),
      Math.round(durationMs),
    );
    this.log.append(record);
  }

  /** The layer policies to use now: the settings', with tuned TTLs when tuning is on. */
  policies(): Record<Layer, LayerPolicy> {
    const base = this.options.policiesOf(this.config);
    if (!this.ttl.isEnabled) return base;
    const tuned = this.ttl.ttlMs();
    for (const layer of LAYERS) base[layer] = { ...base[layer], ttlMs: tuned[layer] };
    return base;
  }

  /** Settings changed: bounds, the switch and the configured TTLs go to the tuner, tuned TTLs to the cache. */
  applyConfig(next: CacheConfig): void {
    this.config = next;
    this.ttl.reconfigure(ttlSettings(next, this.options.policiesOf));
    this.applyTunedPolicies();
  }

  /** For the pipeline's settings: the TTL a workflow's calls ask for, when providerCache is `auto`. */
  providerCacheFor(): ((workflow: string, model: string) => ProviderCacheTtl) | undefined {
    if (this.config.providerCache !== 'auto') return undefined;
    return (workflow, model) => this.providerCache.ttlFor(workflow, model);
  }

  stats(): TuningStats {
    const ttlSeconds = {} as Record<Layer, number>;
    const policies = this.policies();
    for (const layer of LAYERS) ttlSeconds[layer] = policies[layer].ttlMs / 1000;
    return {
      usageLog: this.log.storeKind,
      ttlTuning: { enabled: this.ttl.isEnabled, ttlSeconds, changes: this.ttl.changes().slice(-10) },
      providerCache: {
        mode: this.config.providerCache,
        decisions: this.config.providerCache === 'auto' ? this.providerCache.decisionsMade() : [],
      },
    };
  }

  close(): Promise<void> {
    return this.log.close();
  }

  private applyTunedPolicies(): void {
    this.options.applyPolicies(this.policies());
  }
}

function ttlSettings(
  config: CacheConfig,
  policiesOf: (config: CacheConfig) => Record<Layer, LayerPolicy>,
): { configuredMs: Record<Layer, number>; bounds: Record<Layer, TtlBounds>; enabled: boolean } {
  const policies = policiesOf(config);
  const configuredMs = {} as Record<Layer, number>;
  const bounds = {} as Record<Layer, TtlBounds>;
  for (const layer of LAYERS) {
    configuredMs[layer] = policies[layer].ttlMs;
    const { minSeconds, maxSeconds } = config.ttlTuning.layers[layer];
    bounds[layer] = { minMs: minSeconds * 1000, maxMs: maxSeconds * 1000 };
  }
  return { configuredMs, bounds, enabled: config.ttlTuning.enabled };
}
