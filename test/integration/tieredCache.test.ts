import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { decodeValue, encodeValue } from '../../src/core/codec';
import { LAYERS, type Layer } from '../../src/core/layers';
import { MemoryStore } from '../../src/core/stores/memory/memoryStore';
import { RedisInvalidationBus } from '../../src/core/stores/redis/redisInvalidationBus';
import { RedisStore } from '../../src/core/stores/redis/redisStore';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import type { Store } from '../../src/core/stores/store';
import type { LayerPolicy, LookupStatus } from '../../src/core/tiered/tierTypes';
import { TieredCache, type TieredCacheOptions } from '../../src/core/tiered/tieredCache';
import { eventually } from '../helpers/eventually';
import { budgets } from '../helpers/layerBudgets';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';
import { redisBus, sharedTiers } from '../helpers/sharedTiers';

const HOUR = 3_600_000;
const codec = { encode: encodeValue, decode: decodeValue };

/** Text that does not compress, so its encoded size is close to its length. */
function incompressible(chars: number): string {
  return randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
}

/** Keeps a store open when the cache closes, so a test can look inside it afterwards. */
function keptOpen<V>(store: Store<V>): Store<V> {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'close') return async () => undefined;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function policies(overrides: Partial<LayerPolicy> = {}): Record<Layer, LayerPolicy> {
  const result = {} as Record<Layer, LayerPolicy>;
  for (const layer of LAYERS) result[layer] = { ttlMs: HOUR, maxEntryBytes: 1_000_000, ...overrides };
  return result;
}

describe('TieredCache', function () {
  this.timeout(60_000);
  let server: RedisServerHandle;
  let dir: string;
  const open: TieredCache[] = [];
  let prefixCounter = 0;

  before(async () => {
    server = await startRedisServer();
    dir = await mkdtemp(join(tmpdir(), 'tiered-cache-'));
  });

  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((cache) => cache.close()));
  });

  interface Setup {
    clock?: ManualClock;
    prefix?: string;
    memoryBudget?: number;
    withRedis?: boolean;
    withSurreal?: boolean;
    surrealUrl?: string;
    bus?: boolean;
    options?: Partial<TieredCacheOptions>;
  }

  async function makeCache(setup: Setup = {}) {
    const clock = setup.clock ?? new ManualClock();
    const prefix = setup.prefix ?? `t${++prefixCounter}:`;
    const memory = new MemoryStore({ budgets: budgets(setup.memoryBudget ?? 1_000_000), clock });
    const redis =
      setup.withRedis === false
        ? undefined
        : await RedisStore.connect({ url: server.url, keyPrefix: prefix, clock, commandTimeoutMs: 500 });
    const surreal =
      setup.withSurreal === false
        ? undefined
        : await SurrealStore.open({ url: setup.surrealUrl ?? 'mem://', clock });
    const bus = setup.bus ? await RedisInvalidationBus.connect({ url: server.url, keyPrefix: prefix }) : undefined;
    const cache = await TieredCache.create({
      memory,
      shared: sharedTiers({ redis, surreal }),
      codec,
      layers: policies(),
      clock,
      bus: redisBus(bus),
      tierTimeoutMs: 1_000,
      breaker: { threshold: 2, cooldownMs: 1_000 },
      ...setup.options,
    });
    open.push(cache);
    return { cache, clock, memory, redis, surreal, prefix };
  }

  it('computes on a miss and answers the next call from memory', async () => {
    const { cache } = await makeCache();
    let computations = 0;
    const compute = async () => {
      computations += 1;
      return { text: 'answer', tokens: 12 };
    };
    const first: LookupStatus = {};
    const second: LookupStatus = {};
    assert.deepEqual(await cache.getOrCompute('result', 'explain:k1:aa', compute, { status: first }), {
      text: 'answer',
      tokens: 12,
    });
    assert.deepEqual(await cache.getOrCompute('result', 'explain:k1:aa', compute, { status: second }), {
      text: 'answer',
      tokens: 12,
    });
    assert.equal(computations, 1);
    assert.equal(first.source, 'compute');
    assert.equal(second.source, 'memory');
    const report = await cache.report();
    assert.equal(report.layers.result.hits, 1);
    assert.equal(report.layers.result.misses, 1);
    assert.equal(report.layers.result.hitRate, 0.5);
    assert.equal(report.tiers.redis.status, 'up');
    assert.equal(report.tiers.surreal.entries, 1);
  });

  it('promotes a Redis hit into memory with its remaining TTL', async () => {
    const clock = new ManualClock();
    const writer = await makeCache({ clock, withSurreal: false });
    await writer.cache.set('prompt', 'p:k1:01', 'rendered', { ttlMs: 10_000 });
    clock.advance(4_000);
    const reader = await makeCache({ clock, prefix: writer.prefix, withSurreal: false });
    const status: LookupStatus = {};
    const value = await reader.cache.getOrCompute('prompt', 'p:k1:01', () => 'recomputed', { status });
    assert.equal(value, 'rendered');
    assert.equal(status.source, 'redis');
    const promoted = reader.memory.getSync('prompt', 'p:k1:01');
    assert.ok(promoted);
    assert.equal(promoted.expiresAt, clock.now() + 6_000);
    clock.advance(6_000);
    assert.equal(reader.memory.getSync('prompt', 'p:k1:01'), undefined, 'the promoted copy expires with the original');
  });

  it('promotes a SurrealDB hit into memory and Redis', async () => {
    const { cache, memory, redis } = await makeCache();
    await cache.set('module', 'outline:k1:02', { outline: ['a', 'b'] });
    await memory.delete('module', 'outline:k1:02');
    await redis!.delete('module', 'outline:k1:02');
    const status: LookupStatus = {};
    assert.deepEqual(await cache.getOrCompute('module', 'outline:k1:02', () => null, { status }), {
      outline: ['a', 'b'],
    });
    assert.equal(status.source, 'surreal');
    await cache.flush();
    assert.ok(memory.getSync('module', 'outline:k1:02'));
    assert.ok(await redis!.get('module', 'outline:k1:02'), 'promoted into Redis');
  });

  it('expires entries in every tier through the injected clock', async () => {
    const { cache, clock } = await makeCache();
    await cache.set('context', 'ctx:k1:03', 'snapshot', { ttlMs: 1_000 });
    clock.advance(1_001);
    let computed = false;
    const status: LookupStatus = {};
    await cache.getOrCompute('context', 'ctx:k1:03', () => ((computed = true), 'fresh'), { status });
    assert.ok(computed, 'an expired entry must not be served from any tier');
    assert.equal(status.source, 'compute');
  });

  it('evicts from memory to stay within the layer budget and still serves from Redis', async () => {
    const { cache } = await makeCache({ memoryBudget: 4_096, withSurreal: false });
    for (let i = 0; i < 20; i++) await cache.set('result', `r:k1:${i}`, incompressible(1_000));
    const report = await cache.report();
    assert.ok(report.layers.result.bytes <= 4_096, `memory holds ${report.layers.result.bytes} bytes`);
    assert.ok(report.tiers.memory.evictions > 0);
    const status: LookupStatus = {};
    const first = await cache.getOrCompute('result', 'r:k1:0', () => 'recomputed', { status });
    assert.notEqual(first, 'recomputed');
    assert.equal(status.source, 'redis');
  });

  it('runs one computation for 1000 concurrent identical misses', async () => {
    const { cache } = await makeCache();
    let computations = 0;
    const compute = async () => {
      computations += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'shared';
    };
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => cache.getOrCompute('result', 'same:k1:04', compute)),
    );
    assert.equal(computations, 1);
    assert.ok(results.every((value) => value === 'shared'));
    assert.equal(cache.stats.layers.result.sharedComputations, 999);
  });

  it('does not cache a failed computation and lets the next call retry', async () => {
    const { cache } = await makeCache();
    await assert.rejects(
      cache.getOrCompute('result', 'fail:k1:05', async () => {
        throw new Error('upstream down');
      }),
      /upstream down/,
    );
    assert.equal(await cache.getOrCompute('result', 'fail:k1:05', async () => 'second try'), 'second try');
  });

  it('returns a value larger than the entry cap without storing it', async () => {
    const { cache } = await makeCache({ options: { layers: policies({ maxEntryBytes: 100 }) } });
    const tooLarge: unknown[] = [];
    cache.events.on('tooLarge', (event) => tooLarge.push(event));
    const big = incompressible(10_000);
    const status: LookupStatus = {};
    assert.equal(await cache.getOrCompute('result', 'big:k1:06', () => big, { status }), big);
    assert.equal(status.notStoredReason, 'too-large');
    assert.equal(tooLarge.length, 1);
    let again = false;
    await cache.getOrCompute('result', 'big:k1:06', () => ((again = true), big));
    assert.ok(again);
  });

  it('treats corrupted bytes in Redis as a miss and deletes them', async () => {
    const { cache, redis, prefix } = await makeCache({ withSurreal: false });
    await redis!.set('result', 'bad:k1:07', new Uint8Array([1, 2, 3, 4, 5, 6, 7]), { ttlMs: 60_000 });
    const corrupt: unknown[] = [];
    cache.events.on('corrupt', (event) => corrupt.push(event));
    const status: LookupStatus = {};
    assert.equal(await cache.getOrCompute('result', 'bad:k1:07', () => 'rebuilt', { status }), 'rebuilt');
    assert.equal(status.source, 'compute');
    assert.equal(corrupt.length, 1);
    assert.equal(cache.stats.tiers.redis.corruptEntries, 1);
    const stored = await redis!.get('result', 'bad:k1:07');
    assert.ok(stored, 'the rebuilt value replaced the bad bytes');
    assert.equal(decodeValue(stored.value), 'rebuilt');
    assert.ok(prefix);
  });

  it('flushes write-behind writes on close so a clean shutdown loses nothing', async () => {
    const clock = new ManualClock();
    const prefix = `wb${++prefixCounter}:`;
    const redis = await RedisStore.connect({ url: server.url, keyPrefix: prefix, clock });
    const surreal = await SurrealStore.open({ url: `surrealkv://${join(dir, 'write-behind')}`, clock });
    try {
      const cache = await TieredCache.create({
        memory: new MemoryStore({ budgets: budgets(1_000_000), clock }),
        shared: sharedTiers({ redis: keptOpen(redis), surreal: keptOpen(surreal) }),
        codec,
        layers: policies(),
        clock,
        writeMode: 'write-behind',
        writeBehind: { flushIntervalMs: 60_000, maxBatch: 10_000 },
      });
      assert.equal(cache.writeMode, 'write-behind');
      for (let i = 0; i < 50; i++) await cache.set('result', `wb:k1:${i}`, { i });
      assert.equal(await redis.get('result', 'wb:k1:0'), undefined, 'not written yet');
      await cache.close();
      for (let i = 0; i < 50; i++) {
        const inRedis = await redis.get('result', `wb:k1:${i}`);
        const inSurreal = await surreal.get('result', `wb:k1:${i}`);
        assert.ok(inRedis && inSurreal, `wb:k1:${i} reached both shared tiers`);
        assert.deepEqual(decodeValue(inSurreal.value), { i });
      }
    } finally {
      await redis.close();
      await surreal.close();
    }
  });

  it('serves a queued write-behind value after memory lost it', async () => {
    const { cache, memory } = await makeCache({
      withSurreal: false,
      options: { writeMode: 'write-behind', writeBehind: { flushIntervalMs: 60_000, maxBatch: 10_000 } },
    });
    await cache.set('module', 'queued:k1:08', 'pending');
    await memory.delete('module', 'queued:k1:08');
    assert.equal((await cache.get('module', 'queued:k1:08'))?.value, 'pending');
  });

  it('invalidates by key, pattern, layer and everything across all tiers', async () => {
    const { cache, redis, surreal } = await makeCache();
    await cache.setMany('result', [
      { key: 'review-file:k1:a1', value: 1 },
      { key: 'review-file:k1:a2', value: 2 },
      { key: 'explain:k1:b1', value: 3 },
    ]);
    await cache.set('prompt', 'review-file:k1:p1', 'p');
    const byKey = await cache.invalidate('result', 'explain:k1:b1');
    assert.deepEqual(byKey.removed, { memory: 1, redis: 1, surreal: 1 });
    const byPattern = await cache.invalidatePattern('review-file:*', 'result');
    assert.deepEqual(byPattern.removed, { memory: 2, redis: 2, surreal: 2 });
    assert.ok(await surreal!.get('prompt', 'review-file:k1:p1'), 'another layer is untouched');
    await cache.set('result', 'x:k1:1', 1);
    const byLayer = await cache.invalidateLayer('result');
    assert.equal(byLayer.removed.redis, 1);
    const all = await cache.invalidateAll();
    assert.equal(all.removed.surreal, 1);
    assert.equal(await redis!.get('prompt', 'review-file:k1:p1'), undefined);
    assert.deepEqual(await cache.getMany('result', ['review-file:k1:a1', 'x:k1:1']), [undefined, undefined]);
  });

  it('empties one tier of one layer and leaves the other tiers their copies', async () => {
    const { cache, memory, redis, surreal } = await makeCache();
    await cache.set('result', 'tier:k1:1', 'kept below');
    const event = await cache.clearTier('result', 'redis');
    assert.deepEqual(event.removed, { memory: 0, redis: 1, surreal: 0 });
    assert.equal(await redis!.get('result', 'tier:k1:1'), undefined);
    assert.ok(memory.getSync('result', 'tier:k1:1'));
    assert.ok(await surreal!.get('result', 'tier:k1:1'));
    assert.deepEqual((await cache.clearTier('result', 'memory')).removed, { memory: 1, redis: 0, surreal: 0 });
    const status: LookupStatus = {};
    assert.equal(await cache.getOrCompute('result', 'tier:k1:1', () => 'recomputed', { status }), 'kept below');
    assert.equal(status.source, 'surreal');
  });

  it('refuses unsafe keys and patterns', async () => {
    const { cache } = await makeCache({ withRedis: false, withSurreal: false });
    await assert.rejects(cache.getOrCompute('result', 'a b', () => 1), { code: 'E_INVALID_KEY' });
    await assert.rejects(cache.invalidatePattern('[a-z]*'), { code: 'E_INVALID_KEY' });
  });

  it('does not store a value computed while its layer was invalidated', async () => {
    const { cache } = await makeCache();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const status: LookupStatus = {};
    const run = cache.getOrCompute(
      'result',
      'slow:k1:09',
      async () => {
        await gate;
        return 'built on old inputs';
      },
      { status },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await cache.invalidateLayer('result');
    release();
    assert.equal(await run, 'built on old inputs');
    assert.equal(status.notStoredReason, 'invalidated');
    assert.equal(await cache.get('result', 'slow:k1:09'), undefined);
  });

  it('reads and writes in bulk, filling memory from the shared tiers', async () => {
    const clock = new ManualClock();
    const writer = await makeCache({ clock, withSurreal: false });
    const entries = Array.from({ length: 30 }, (_, i) => ({ key: `bulk:k1:${i}`, value: `v${i}` }));
    assert.equal(await writer.cache.setMany('module', entries), 30);
    const reader = await makeCache({ clock, prefix: writer.prefix, withSurreal: false });
    const keys = [...entries.map((entry) => entry.key), 'bulk:k1:missing'];
    const values = await reader.cache.getMany<string>('module', keys);
    assert.deepEqual(values, [...entries.map((entry) => entry.value), undefined]);
    assert.equal(reader.cache.stats.tiers.redis.hits, 30);
    assert.ok(reader.memory.getSync('module', 'bulk:k1:7'));
  });

  it('keeps answering while Redis is killed, reads degraded, and recovers after a restart', async () => {
    const clock = new ManualClock();
    const { cache } = await makeCache({ clock });
    const statuses: string[] = [];
    cache.events.on('tierStatus', (event) => statuses.push(`${event.tier}:${event.status}`));
    assert.equal(await cache.getOrCompute('result', 'live:k1:0', () => 'before'), 'before');

    await server.kill();
    for (let i = 1; i <= 5; i++) {
      assert.equal(await cache.getOrCompute('result', `live:k1:${i}`, () => `during ${i}`), `during ${i}`);
    }
    assert.equal(cache.tierStatus('redis'), 'degraded');
    assert.ok(statuses.includes('redis:degraded'));
    assert.equal(cache.tierStatus('surreal'), 'up');
    assert.equal((await cache.get('result', 'live:k1:3'))?.value, 'during 3', 'written to the other tiers');

    await server.restart();
    // No request probes the tier: the store's reconnect alone brings it back (ioredis backs off up to 5 s).
    await eventually(() => cache.tierStatus('redis') === 'up', 'redis status back to up by itself', 600, 25);
    const writesBefore = cache.stats.tiers.redis.writes;
    assert.equal(await cache.getOrCompute('result', 'live:k1:after', () => 'after'), 'after');
    assert.equal(cache.stats.tiers.redis.writes, writesBefore + 1, 'writes reach Redis again');
    assert.ok(statuses.includes('redis:up'));
  });

  it('drops memory copies when another instance sharing Redis invalidates', async () => {
    const clock = new ManualClock();
    const a = await makeCache({ clock, bus: true, withSurreal: false });
    const b = await makeCache({ clock, bus: true, prefix: a.prefix, withSurreal: false });
    await a.cache.set('result', 'shared:k1:1', 'v1');
    assert.equal(await b.cache.getOrCompute('result', 'shared:k1:1', () => 'b computed'), 'v1');
    assert.ok(b.memory.getSync('result', 'shared:k1:1'), 'b holds a memory copy');
    const remoteEvents: unknown[] = [];
    b.cache.events.on('invalidated', (event) => event.remote && remoteEvents.push(event));
    await a.cache.invalidate('result', 'shared:k1:1');
    await eventually(() => b.memory.getSync('result', 'shared:k1:1') === undefined, 'b dropped its copy', 200, 25);
    assert.equal(remoteEvents.length, 1);
    assert.equal(await b.cache.getOrCompute('result', 'shared:k1:1', () => 'b computed'), 'b computed');
  });

  it('refuses calls after close', async () => {
    const { cache } = await makeCache({ withRedis: false, withSurreal: false });
    await cache.close();
    await assert.rejects(cache.getOrCompute('result', 'x:k1:1', () => 1), { code: 'E_CLOSED' });
  });
});
