import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { decodeValue, encodeValue } from '../../src/core/codec';
import { LAYERS, type Layer } from '../../src/core/layers';
import { createLogger } from '../../src/core/logger';
import { MemoryStore } from '../../src/core/stores/memory/memoryStore';
import { RedisStore } from '../../src/core/stores/redis/redisStore';
import type { Store } from '../../src/core/stores/store';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import { EncodedValue } from '../../src/core/tiered/encodedValue';
import { LAYER_VALUE_SCHEMAS, checkContextSnapshot } from '../../src/core/tiered/layerValueSchemas';
import type { LayerPolicy, LookupStatus } from '../../src/core/tiered/tierTypes';
import { TieredCache } from '../../src/core/tiered/tieredCache';
import { budgets } from '../helpers/layerBudgets';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';
import { sharedTiers } from '../helpers/sharedTiers';

const HOUR = 3_600_000;
const codec = { encode: encodeValue, decode: decodeValue };

function policies(): Record<Layer, LayerPolicy> {
  const result = {} as Record<Layer, LayerPolicy>;
  for (const layer of LAYERS) result[layer] = { ttlMs: HOUR, maxEntryBytes: 1_000_000 };
  return result;
}

function answer(text: string): Record<string, unknown> {
  return {
    text,
    model: 'claude-sonnet-5-5',
    stopReason: 'end_turn',
    usage: { inputTokens: 10, outputTokens: 5, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
    costUsd: 0.001,
    createdAt: 1_700_000_000_000,
  };
}

/** Decodable values that are no answer: what another build, or anyone who can write to Redis, may leave there. */
const WRONG_ANSWERS: ReadonlyArray<[string, unknown]> = [
  ['42', 42],
  ['{}', {}],
  ['null', null],
  ['"text": 42', { ...answer('x'), text: 42 }],
  ['an answer without usage', (({ usage: _usage, ...rest }) => rest)(answer('x'))],
];

/** Keeps a store open when the cache closes, so the test can look inside it afterwards. */
function keptOpen<V>(store: Store<V>): Store<V> {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'close') return async () => undefined;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('TieredCache refuses shared-tier values of the wrong shape', function () {
  this.timeout(60_000);
  let server: RedisServerHandle;
  let prefixCounter = 0;
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    server = await startRedisServer();
  });

  after(async () => {
    await server?.stop();
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function makeCache(options: { surreal?: boolean; redis?: boolean } = {}) {
    const clock = new ManualClock();
    const memory = new MemoryStore({ budgets: budgets(1_000_000), clock });
    const redis =
      options.redis === false
        ? undefined
        : await RedisStore.connect({ url: server.url, keyPrefix: `shape${++prefixCounter}:`, clock, commandTimeoutMs: 1_000 });
    const surreal = options.surreal ? await SurrealStore.open({ url: 'mem://', clock }) : undefined;
    if (redis) closers.push(() => redis.close());
    if (surreal) closers.push(() => surreal.close());
    const warnings: string[] = [];
    const logger = createLogger((level, message) => {
      if (level === 'warn') warnings.push(message);
    });
    const cache = await TieredCache.create({
      memory,
      shared: sharedTiers({ redis: redis ? keptOpen(redis) : undefined, surreal: surreal ? keptOpen(surreal) : undefined }),
      codec,
      layers: policies(),
      clock,
      tierTimeoutMs: 2_000,
      layerValues: LAYER_VALUE_SCHEMAS,
      logger,
    });
    closers.push(() => cache.close());
    const corrupt: Array<{ tier: string; key: string; reason: string }> = [];
    cache.events.on('corrupt', ({ tier, key, reason }) => corrupt.push({ tier, key, reason }));
    return { cache, memory, redis, surreal, warnings, corrupt };
  }

  /** Writes `value` with the project's own codec, so it decodes and only its shape is wrong. */
  async function plant(store: Store<Uint8Array>, layer: Layer, key: string, value: unknown): Promise<void> {
    await store.set(layer, key, encodeValue(value), { ttlMs: HOUR });
  }

  for (const [label, wrong] of WRONG_ANSWERS) {
    it(`getOrCompute treats ${label} in Redis as a miss, recomputes and replaces it`, async () => {
      const { cache, redis, warnings, corrupt } = await makeCache();
      const key = `review:k1:${prefixCounter}`;
      await plant(redis!, 'result', key, wrong);
      const status: LookupStatus = {};
      let computed = 0;
      const fresh = answer('recomputed');
      const value = await cache.getOrCompute('result', key, () => ((computed += 1), fresh), { status });
      assert.deepEqual(value, fresh);
      assert.equal(computed, 1);
      assert.equal(status.source, 'compute');
      assert.equal(status.refused?.length, 1);
      assert.equal(status.refused?.[0]?.tier, 'redis');
      assert.match(status.refused?.[0]?.reason ?? '', /^answer/);
      assert.deepEqual(corrupt.map((event) => [event.tier, event.key]), [['redis', key]]);
      assert.equal(cache.stats.tiers.redis.corruptEntries, 1);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', new RegExp(`redis held a result value of the wrong shape under ${key}`));
      const stored = await redis!.get('result', key);
      assert.ok(stored, 'the recomputed answer replaced the bad one');
      assert.deepEqual(decodeValue(stored.value), fresh);
    });
  }

  it('get treats a wrong value as a miss and deletes it, and warns once however often it is planted', async () => {
    const { cache, redis, warnings } = await makeCache();
    const key = 'explain:k1:planted';
    await plant(redis!, 'module', key, { text: 42 });
    assert.equal(await cache.get('module', key), undefined);
    await cache.flush();
    assert.equal(await redis!.get('module', key), undefined, 'the bad entry is gone from Redis');
    await plant(redis!, 'module', key, 42);
    assert.equal(await cache.get('module', key), undefined);
    assert.equal(await redis!.get('module', key), undefined);
    assert.equal(warnings.length, 1, 'one warning for the entry, not one per read');
    assert.equal(cache.stats.tiers.redis.corruptEntries, 2);
    assert.equal(cache.stats.layers.module.misses, 2);

    await plant(redis!, 'module', key, answer('a real one'));
    const hit = await cache.get('module', key);
    assert.equal(hit?.tier, 'redis');
    assert.deepEqual(hit?.value, answer('a real one'));
  });

  it('checks every layer against its own schema, and lets extra fields through', async () => {
    const { cache, redis } = await makeCache();
    const snapshot = { workspace: '/w', parts: [], hash: 'h', addedLater: true };
    const prompt = { workflow: 'review', version: '1', segments: [{ text: 'hi' }], addedLater: 1 };
    await plant(redis!, 'context', 'review:k1:ctx', snapshot);
    await plant(redis!, 'prompt', 'review:k1:prompt', prompt);
    await plant(redis!, 'result', 'review:k1:extra', { ...answer('kept'), addedLater: 'yes' });
    await plant(redis!, 'context', 'review:k1:ctx-bad', { workspace: '/w', parts: 'all of them', hash: 'h' });
    await plant(redis!, 'prompt', 'review:k1:prompt-bad', answer('an answer is no prompt'));
    assert.deepEqual((await cache.get('context', 'review:k1:ctx'))?.value, snapshot);
    assert.deepEqual((await cache.get('prompt', 'review:k1:prompt'))?.value, prompt);
    assert.equal(((await cache.get('result', 'review:k1:extra'))?.value as { text: string }).text, 'kept');
    assert.equal(await cache.get('context', 'review:k1:ctx-bad'), undefined);
    assert.equal(await cache.get('prompt', 'review:k1:prompt-bad'), undefined);
  });

  it('a caller narrows the context layer to snapshots: a run manifest under a snapshot key is a miss', async () => {
    const { cache, redis } = await makeCache();
    const manifest = {
      model: 'm',
      maxTokens: 10,
      workflowVersion: '1',
      systemHash: 's',
      promptHash: 'p',
      paramsHash: 'c'.repeat(64),
      parts: {},
    };
    const key = 'review:k1:snapshot-key';
    await plant(redis!, 'context', key, manifest);
    const snapshot = { workspace: '/w', parts: [], hash: 'fresh' };
    const status: LookupStatus = {};
    const value = await cache.getOrCompute('context', key, () => snapshot, { shape: checkContextSnapshot, status });
    assert.deepEqual(value, snapshot);
    assert.equal(status.source, 'compute');
    assert.match(status.refused?.[0]?.reason ?? '', /^snapshot\.workspace is missing/);
    // The layer itself takes a manifest, so an uncounted read without the narrower check still sees one.
    await plant(redis!, 'context', 'review:k1:manifest-key', manifest);
    assert.deepEqual((await cache.get('context', 'review:k1:manifest-key', { uncounted: true }))?.value, manifest);
  });

  it('refuses a bad value in SurrealDB too, and still finds a good one behind a bad one in Redis', async () => {
    const { cache, redis, surreal } = await makeCache({ surreal: true });
    await plant(surreal!, 'result', 'review:k1:s-bad', { text: 'no usage', model: 'm' });
    let computed = 0;
    await cache.getOrCompute('result', 'review:k1:s-bad', () => ((computed += 1), answer('recomputed')));
    assert.equal(computed, 1);
    assert.equal((decodeValue((await surreal!.get('result', 'review:k1:s-bad'))!.value) as { text: string }).text, 'recomputed');

    await plant(redis!, 'result', 'review:k1:r-bad', null);
    await plant(surreal!, 'result', 'review:k1:r-bad', answer('from surreal'));
    const status: LookupStatus = {};
    const value = await cache.getOrCompute('result', 'review:k1:r-bad', () => answer('not wanted'), { status });
    assert.equal((value as { text: string }).text, 'from surreal');
    assert.equal(status.source, 'surreal');
    await cache.flush();
    // Promotion copied the good answer over the bad one in Redis.
    assert.equal((decodeValue((await redis!.get('result', 'review:k1:r-bad'))!.value) as { text: string }).text, 'from surreal');
  });

  it('checks a promoted memory copy when it is first decoded', async () => {
    const { cache, memory, warnings } = await makeCache({ redis: false });
    // What promotion leaves in memory: the shared tier's bytes, decoded on their first memory hit.
    memory.setSync('result', 'promoted:k1:a', new EncodedValue(encodeValue({ text: 42 })), { ttlMs: HOUR, size: 16 });
    const status: LookupStatus = {};
    const value = await cache.getOrCompute('result', 'promoted:k1:a', () => answer('recomputed'), { status });
    assert.equal((value as { text: string }).text, 'recomputed');
    assert.deepEqual(status.refused?.map((refusal) => refusal.tier), ['memory']);
    assert.equal(cache.stats.tiers.memory.corruptEntries, 1);
    assert.equal(warnings.length, 1);
  });

  it('getMany skips wrong values and deletes them', async () => {
    const { cache, redis } = await makeCache();
    await plant(redis!, 'result', 'many:k1:a', answer('a'));
    await plant(redis!, 'result', 'many:k1:b', { text: 42 });
    const values = await cache.getMany('result', ['many:k1:a', 'many:k1:b']);
    assert.equal((values[0] as { text: string }).text, 'a');
    assert.equal(values[1], undefined);
    await cache.flush();
    assert.equal(await redis!.get('result', 'many:k1:b'), undefined);
  });

  it('without layer checks any decodable value is served, as before', async () => {
    const redis = await RedisStore.connect({ url: server.url, keyPrefix: `shape${++prefixCounter}:`, commandTimeoutMs: 1_000 });
    const cache = await TieredCache.create({
      memory: new MemoryStore({ budgets: budgets(1_000_000) }),
      shared: sharedTiers({ redis }),
      codec,
      layers: policies(),
    });
    closers.push(() => cache.close());
    await plant(redis, 'result', 'plain:k1:a', 42);
    assert.equal((await cache.get('result', 'plain:k1:a'))?.value, 42);
  });
});
