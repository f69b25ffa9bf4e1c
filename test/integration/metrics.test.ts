import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import type { CacheError } from '../../src/core/errors';
import { CacheMetrics, MetricsEndpoint, MetricsPortInUseError, type Exposition } from '../../src/core/metrics';
import { freePort } from '../../tools/common/freePort';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { sample } from '../helpers/prometheusSample';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';

describe('Prometheus metrics endpoint (real engine, Redis, embedded SurrealDB, fake Claude API)', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let redis: RedisServerHandle;
  let root: string;
  let workspace: string;
  let engine: CacheEngine;
  let metrics: CacheMetrics;
  let endpoint: MetricsEndpoint;
  const problems: CacheError[] = [];

  before(async () => {
    fake = await startFakeAnthropic();
    redis = await startRedisServer();
    root = await mkdtemp(join(tmpdir(), 'metrics-'));
    workspace = join(root, 'workspace');
    await mkdir(workspace, { recursive: true });
    const { config } = resolveConfig(
      objectReader({ apiBaseUrl: fake.url, storageDir: join(root, 'storage'), model: 'claude-sonnet-5-5', 'redis.url': redis.url }),
    );
    engine = await CacheEngine.open({ config, apiKey: 'test-key' });
    metrics = new CacheMetrics(engine);
    const exposition: Exposition = { contentType: metrics.contentType, body: () => metrics.exposition() };
    endpoint = new MetricsEndpoint({ exposition: () => exposition, onProblem: (problem) => problems.push(problem) });
  });

  after(async () => {
    await endpoint?.close();
    metrics?.dispose();
    await engine?.close();
    await fake?.close();
    await redis?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('serves /metrics on 127.0.0.1 with the numbers of a miss and a hit against the fake API', async () => {
    const port = await freePort();
    await endpoint.setPort(port);
    assert.equal(endpoint.port, port);
    const first = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'let metric = 1;' });
    const second = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'let metric = 1;' });
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.equal(typeof first.costUsd, 'number');

    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.equal(sample(text, 'claude_cache_lookups_total', { layer: 'result', result: 'miss' }), 1);
    assert.equal(sample(text, 'claude_cache_lookups_total', { layer: 'result', result: 'hit' }), 1);
    assert.equal(sample(text, 'claude_cache_hit_ratio', { layer: 'result' }), 0.5);
    assert.equal(sample(text, 'claude_cache_upstream_calls_total'), 1);
    assert.equal(sample(text, 'claude_cache_avoided_calls_total'), 1);
    assert.equal(sample(text, 'claude_cache_spent_usd_total'), first.costUsd);
    assert.equal(sample(text, 'claude_cache_saved_usd', { source: 'local_hit' }), first.costUsd);
    assert.equal(sample(text, 'claude_cache_upstream_call_seconds_count', { model: 'claude-sonnet-5-5', outcome: 'ok' }), 1);
    // The first run missed memory and asked the shared tiers (Redis again under its single-flight lock); the second
    // was a memory hit, which is counted, not timed.
    assert.ok((sample(text, 'claude_cache_tier_read_seconds_count', { layer: 'result', tier: 'redis', result: 'miss' }) ?? 0) >= 1);
    assert.ok((sample(text, 'claude_cache_tier_read_seconds_count', { layer: 'result', tier: 'surreal', result: 'miss' }) ?? 0) >= 1);
    assert.equal(sample(text, 'claude_cache_tier_read_seconds_count', { layer: 'result', tier: 'redis', result: 'hit' }), undefined);
    assert.equal(sample(text, 'claude_cache_tier_hits_total', { tier: 'memory' }), 3, 'prompt, context and result of run two');
    assert.equal(sample(text, 'claude_cache_tier_status', { tier: 'redis', status: 'up' }), 1);
    assert.equal(sample(text, 'claude_cache_memory_budget_bytes', { layer: 'result' }), 200 * 1024 * 1024);
    assert.ok((sample(text, 'claude_cache_memory_bytes', { layer: 'result' }) ?? 0) > 0);
  });

  it('answers 404 off /metrics and 405 to anything but GET', async () => {
    const port = endpoint.port as number;
    assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'HEAD' })).status, 200);
  });

  it('reports a port in use as a clear problem and stays off, then starts on a free port and stops at 0', async () => {
    const blocker: Server = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      await endpoint.setPort(taken);
      assert.equal(endpoint.port, undefined);
      assert.equal(problems.length, 1);
      assert.ok(problems[0] instanceof MetricsPortInUseError);
      assert.equal(problems[0]?.code, 'E_METRICS_PORT_IN_USE');
      assert.match(problems[0]?.message ?? '', new RegExp(`port ${taken} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    const port = await freePort();
    await endpoint.setPort(port);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
    await endpoint.setPort(0);
    assert.equal(endpoint.port, undefined);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
  });

  it('answers 503 while no engine is open', async () => {
    const closedEndpoint = new MetricsEndpoint({ exposition: () => undefined, onProblem: (problem) => problems.push(problem) });
    const port = await freePort();
    await closedEndpoint.setPort(port);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /not open yet/);
    } finally {
      await closedEndpoint.close();
    }
  });

  it('answers 500 with the reason when collecting fails', async () => {
    const failing = new MetricsEndpoint({
      exposition: () => ({ contentType: 'text/plain', body: () => Promise.reject(new Error('ledger unreadable')) }),
      onProblem: (problem) => problems.push(problem),
    });
    const port = await freePort();
    await failing.setPort(port);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(response.status, 500);
      assert.match(await response.text(), /ledger unreadable/);
    } finally {
      await failing.close();
    }
  });
});
