import assert from 'node:assert/strict';
import type { Alert } from '../../../../src/core/alerts';
import { emptyTotals, type LedgerTotals } from '../../../../src/core/cost';
import { LAYERS, type Layer, type Tier, type TierStatus } from '../../../../src/core/layers';
import { CacheMetrics, type MetricsSource } from '../../../../src/core/metrics';
import { ObserverSet } from '../../../../src/core/observe';
import { emptyCounters, type LifetimeCounters } from '../../../../src/core/stats/lifetimeCounters';
import { CacheStats } from '../../../../src/core/tiered/cacheStats';
import type { MemoryLayerReport } from '../../../../src/core/tiered/tieredCache';
import { sample } from '../../../helpers/prometheusSample';

/** An engine as the metrics see it, with every figure set by the test. */
class FakeSource implements MetricsSource {
  readonly observers = new ObserverSet();
  counts: LifetimeCounters = emptyCounters();
  totals: LedgerTotals = emptyTotals();
  statuses: Record<Tier, TierStatus> = { memory: 'up', redis: 'up', surreal: 'off' };
  memory = {} as Record<Layer, MemoryLayerReport>;
  readonly stats = new CacheStats();
  readonly cache = {
    stats: this.stats,
    tierStatus: (tier: Tier) => this.statuses[tier],
    memoryReport: async () => this.memory,
  };
  readonly ledger = { totals: () => this.totals };

  constructor() {
    for (const layer of LAYERS) this.memory[layer] = { entries: 0, bytes: 0, budgetBytes: 1024, evictions: 0 };
  }

  async lifetimeCounts(): Promise<LifetimeCounters> {
    return this.counts;
  }
}

describe('CacheMetrics', () => {
  it('exposes hits and misses per layer from the shared lifetime counters, with the hit ratio', async () => {
    const source = new FakeSource();
    source.counts.layers.result = { hits: 7, misses: 3 };
    source.counts.layers.prompt = { hits: 10, misses: 0 };
    const text = await new CacheMetrics(source).exposition();
    assert.equal(sample(text, 'claude_cache_lookups_total', { layer: 'result', result: 'hit' }), 7);
    assert.equal(sample(text, 'claude_cache_lookups_total', { layer: 'result', result: 'miss' }), 3);
    assert.equal(sample(text, 'claude_cache_hit_ratio', { layer: 'result' }), 0.7);
    assert.equal(sample(text, 'claude_cache_hit_ratio', { layer: 'prompt' }), 1);
    assert.equal(sample(text, 'claude_cache_hit_ratio', { layer: 'module' }), 0, 'no lookups reads as 0, not NaN');
  });

  it("gives each tier's hit ratio over the lookups that reached it", async () => {
    const source = new FakeSource();
    source.counts.layers.result = { hits: 6, misses: 4 };
    source.counts.tiers.memory.hits = 5;
    source.counts.tiers.redis.hits = 1;
    const text = await new CacheMetrics(source).exposition();
    assert.equal(sample(text, 'claude_cache_tier_hits_total', { tier: 'memory' }), 5);
    assert.equal(sample(text, 'claude_cache_tier_hit_ratio', { tier: 'memory' }), 0.5);
    assert.equal(sample(text, 'claude_cache_tier_hit_ratio', { tier: 'redis' }), 0.2, '1 of the 5 memory missed');
    assert.equal(sample(text, 'claude_cache_tier_hit_ratio', { tier: 'surreal' }), 0);
  });

  it('exposes dollars spent and saved by source, and calls made and avoided, from the ledger', async () => {
    const source = new FakeSource();
    source.totals = {
      ...emptyTotals(),
      spentUsd: 1.25,
      savedByLocalHitsUsd: 0.5,
      savedByProviderCacheUsd: -0.01,
      savedUsd: 0.49,
      upstreamCalls: 4,
      avoidedCalls: 9,
    };
    const text = await new CacheMetrics(source).exposition();
    assert.equal(sample(text, 'claude_cache_spent_usd_total'), 1.25);
    assert.equal(sample(text, 'claude_cache_saved_usd', { source: 'local_hit' }), 0.5);
    assert.equal(sample(text, 'claude_cache_saved_usd', { source: 'provider_cache' }), -0.01, 'a write premium can outweigh reads');
    assert.equal(sample(text, 'claude_cache_upstream_calls_total'), 4);
    assert.equal(sample(text, 'claude_cache_avoided_calls_total'), 9);
  });

  it('exposes evictions, memory use against budget, tier errors and tier status as they are at each scrape', async () => {
    const source = new FakeSource();
    const metrics = new CacheMetrics(source);
    source.memory.context = { entries: 3, bytes: 900, budgetBytes: 1000, evictions: 2 };
    source.stats.tiers.redis.errors = 4;
    source.statuses.redis = 'degraded';
    let text = await metrics.exposition();
    assert.equal(sample(text, 'claude_cache_evictions_total', { layer: 'context', tier: 'memory' }), 2);
    assert.equal(sample(text, 'claude_cache_memory_bytes', { layer: 'context' }), 900);
    assert.equal(sample(text, 'claude_cache_memory_budget_bytes', { layer: 'context' }), 1000);
    assert.equal(sample(text, 'claude_cache_memory_entries', { layer: 'context' }), 3);
    assert.equal(sample(text, 'claude_cache_tier_errors_total', { tier: 'redis' }), 4);
    assert.equal(sample(text, 'claude_cache_tier_status', { tier: 'redis', status: 'degraded' }), 1);
    assert.equal(sample(text, 'claude_cache_tier_status', { tier: 'redis', status: 'up' }), 0);

    source.memory.context = { entries: 5, bytes: 950, budgetBytes: 1000, evictions: 6 };
    source.statuses.redis = 'up';
    text = await metrics.exposition();
    assert.equal(sample(text, 'claude_cache_evictions_total', { layer: 'context', tier: 'memory' }), 6, 'set, not added up');
    assert.equal(sample(text, 'claude_cache_tier_status', { tier: 'redis', status: 'up' }), 1);
  });

  it('records shared-tier read and Claude call latencies from the observer, until disposed', async () => {
    const source = new FakeSource();
    const metrics = new CacheMetrics(source);
    source.observers.tierRead({ layer: 'result', tier: 'redis', key: 'k', outcome: 'hit', seconds: 0.002 });
    source.observers.tierRead({ layer: 'result', tier: 'redis', key: 'k', outcome: 'miss', seconds: 0.3 });
    source.observers.upstreamCall({ model: 'claude-x', seconds: 1.5, outcome: 'ok', costUsd: 0.1, providerCacheSavingUsd: 0 });
    let text = await metrics.exposition();
    const hit = { layer: 'result', tier: 'redis', result: 'hit' };
    assert.equal(sample(text, 'claude_cache_tier_read_seconds_count', hit), 1);
    assert.equal(sample(text, 'claude_cache_tier_read_seconds_bucket', { ...hit, le: '0.0025' }), 1);
    assert.equal(sample(text, 'claude_cache_tier_read_seconds_bucket', { ...hit, le: '0.001' }), 0);
    assert.equal(sample(text, 'claude_cache_tier_read_seconds_count', { ...hit, result: 'miss' }), 1);
    assert.equal(sample(text, 'claude_cache_upstream_call_seconds_count', { model: 'claude-x', outcome: 'ok' }), 1);
    assert.equal(sample(text, 'claude_cache_upstream_call_seconds_sum', { model: 'claude-x', outcome: 'ok' }), 1.5);

    metrics.dispose();
    assert.equal(source.observers.active, false);
    source.observers.upstreamCall({ model: 'claude-x', seconds: 1, outcome: 'ok', costUsd: 0, providerCacheSavingUsd: 0 });
    text = await metrics.exposition();
    assert.equal(sample(text, 'claude_cache_upstream_call_seconds_count', { model: 'claude-x', outcome: 'ok' }), 1);
  });

  it('exposes the alerts active now, evaluated at each scrape', async () => {
    const source = new FakeSource();
    let active: Alert[] = [{ kind: 'tierErrors', subject: 'redis', value: 0.2, threshold: 0.05, message: 'Redis failed' }];
    const withAlerts = Object.assign(source, { alerts: { refresh: async () => active } });
    const metrics = new CacheMetrics(withAlerts);
    let text = await metrics.exposition();
    assert.equal(sample(text, 'claude_cache_alert_active', { kind: 'tierErrors', subject: 'redis' }), 1);
    active = [];
    text = await metrics.exposition();
    assert.equal(sample(text, 'claude_cache_alert_active', { kind: 'tierErrors', subject: 'redis' }), undefined);
  });

  it('keeps two engines apart: each has its own registry, none uses the global one', async () => {
    const a = new FakeSource();
    const b = new FakeSource();
    a.totals = { ...emptyTotals(), upstreamCalls: 1 };
    b.totals = { ...emptyTotals(), upstreamCalls: 2 };
    const [textA, textB] = await Promise.all([new CacheMetrics(a).exposition(), new CacheMetrics(b).exposition()]);
    assert.equal(sample(textA, 'claude_cache_upstream_calls_total'), 1);
    assert.equal(sample(textB, 'claude_cache_upstream_calls_total'), 2);
    const { register } = await import('prom-client');
    assert.equal((await register.metrics()).includes('claude_cache_'), false);
  });
});
