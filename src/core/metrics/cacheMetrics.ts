import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Unsubscribe } from '../events';
import { LAYERS, TIERS, type Tier, type TierStatus } from '../layers';
import { hitRate } from '../tiered/cacheStats';
import type { MetricsSource } from './metricsSource';

const PREFIX = 'claude_cache_';
const TIER_READ_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const UPSTREAM_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
const STATUSES: readonly TierStatus[] = ['up', 'degraded', 'down', 'off'];

/**
 * The Prometheus view of one engine, in a registry of its own (never prom-client's global one, so two engines
 * in one process do not mix). Totals that must add up across processes (hits, misses, dollars, calls) come
 * from the shared lifetime counters and the ledger, so a one-shot `claude-cache metrics` prints real totals;
 * latencies, evictions and errors are this process's own.
 */
export class CacheMetrics {
  readonly registry = new Registry();
  private readonly stop: Unsubscribe;

  private readonly lookups = this.counter('lookups_total', 'Cache lookups per layer and result, over every process sharing the storage folder.', ['layer', 'result']);
  private readonly hitRatio = this.gauge('hit_ratio', 'Hits / lookups per layer, over every process sharing the storage folder.', ['layer']);
  private readonly tierHits = this.counter('tier_hits_total', 'Lookups answered by each tier, over every process sharing the storage folder.', ['tier']);
  private readonly tierHitRatio = this.gauge(
    'tier_hit_ratio',
    'Hits / lookups that reached the tier (memory sees every lookup; Redis what memory missed; SurrealDB what both missed).',
    ['tier'],
  );
  private readonly tierReads = new Histogram({
    name: `${PREFIX}tier_read_seconds`,
    help: 'Latency of reads of the shared tiers by layer, tier and result (this process; memory hits are counted, not timed).',
    labelNames: ['layer', 'tier', 'result'],
    buckets: TIER_READ_BUCKETS,
    registers: [this.registry],
  });
  private readonly tierErrors = this.counter('tier_errors_total', 'Failed or timed-out tier operations (this process).', ['tier']);
  private readonly tierStatus = this.gauge('tier_status', '1 for the status each tier is in now, 0 for the others.', ['tier', 'status']);
  private readonly evictions = this.counter('evictions_total', 'Memory entries evicted to stay within the layer budget (this process).', ['layer', 'tier']);
  private readonly memoryBytes = this.gauge('memory_bytes', 'Bytes the memory tier holds per layer.', ['layer']);
  private readonly memoryBudget = this.gauge('memory_budget_bytes', 'Memory budget per layer.', ['layer']);
  private readonly memoryEntries = this.gauge('memory_entries', 'Entries the memory tier holds per layer.', ['layer']);
  private readonly upstreamCalls = this.counter('upstream_calls_total', 'Calls made to the Claude API (ledger).', []);
  private readonly avoidedCalls = this.counter('avoided_calls_total', 'Claude calls the local cache answered instead (ledger).', []);
  private readonly upstreamLatency = new Histogram({
    name: `${PREFIX}upstream_call_seconds`,
    help: 'Duration of Claude API calls, streaming included, by model and outcome (this process).',
    labelNames: ['model', 'outcome'],
    buckets: UPSTREAM_BUCKETS,
    registers: [this.registry],
  });
  private readonly spent = this.counter('spent_usd_total', 'Dollars spent on Claude calls of known price (ledger).', []);
  // A gauge: savings by the provider cache are its read discount minus its write premium, which can go down.
  private readonly alertActive = this.gauge('alert_active', '1 for each alert rule broken now (kind: hitRate, evictions, memory, tierErrors).', ['kind', 'subject']);
  private readonly saved = this.gauge('saved_usd', 'Dollars saved, by source: local_hit (answered from this cache) and provider_cache (Anthropic prompt caching).', ['source']);

  constructor(private readonly source: MetricsSource) {
    this.stop = source.observers.add({
      tierRead: (read) => this.tierReads.observe({ layer: read.layer, tier: read.tier, result: read.outcome }, read.seconds),
      upstreamCall: (call) => this.upstreamLatency.observe({ model: call.model, outcome: call.outcome }, call.seconds),
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition, with every total read fresh from the engine. */
  async exposition(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }

  /** Stops observing the engine; the registry keeps what it had. */
  dispose(): void {
    this.stop();
  }

  private async refresh(): Promise<void> {
    const [counts, memory, alerts] = await Promise.all([
      this.source.lifetimeCounts(),
      this.source.cache.memoryReport(),
      this.source.alerts?.refresh() ?? Promise.resolve([]),
    ]);
    // Only the alerts active now are exposed; a cleared one disappears rather than reading 0 forever.
    this.alertActive.reset();
    for (const alert of alerts) this.alertActive.set({ kind: alert.kind, subject: alert.subject }, 1);
    const stats = this.source.cache.stats;
    const totals = this.source.ledger.totals();
    let lookups = 0;
    for (const layer of LAYERS) {
      const { hits, misses } = counts.layers[layer];
      lookups += hits + misses;
      setCounter(this.lookups, { layer, result: 'hit' }, hits);
      setCounter(this.lookups, { layer, result: 'miss' }, misses);
      this.hitRatio.set({ layer }, hitRate(hits, misses));
      setCounter(this.evictions, { layer, tier: 'memory' }, memory[layer].evictions);
      this.memoryBytes.set({ layer }, memory[layer].bytes);
      this.memoryBudget.set({ layer }, memory[layer].budgetBytes);
      this.memoryEntries.set({ layer }, memory[layer].entries);
    }
    let reaching = lookups;
    for (const tier of TIERS) {
      const hits = counts.tiers[tier].hits;
      setCounter(this.tierHits, { tier }, hits);
      this.tierHitRatio.set({ tier }, reaching > 0 ? Math.min(1, hits / reaching) : 0);
      reaching = Math.max(0, reaching - hits);
      setCounter(this.tierErrors, { tier }, stats.tiers[tier].errors);
      this.setStatus(tier, this.source.cache.tierStatus(tier));
    }
    setCounter(this.upstreamCalls, {}, totals.upstreamCalls);
    setCounter(this.avoidedCalls, {}, totals.avoidedCalls);
    setCounter(this.spent, {}, totals.spentUsd);
    this.saved.set({ source: 'local_hit' }, totals.savedByLocalHitsUsd);
    this.saved.set({ source: 'provider_cache' }, totals.savedByProviderCacheUsd);
  }

  private setStatus(tier: Tier, status: TierStatus): void {
    for (const candidate of STATUSES) this.tierStatus.set({ tier, status: candidate }, candidate === status ? 1 : 0);
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name: `${PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name: `${PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }
}

/**
 * Counters here mirror totals kept elsewhere (shared file, ledger), so each scrape sets the current total. A
 * total that went down (stats were reset) reads to Prometheus as a counter reset, which rate() handles.
 */
function setCounter<L extends string>(counter: Counter<L>, labels: Partial<Record<L, string>>, value: number): void {
  counter.remove(labels);
  counter.inc(labels, Math.max(0, value));
}
