import assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/clock';
import { decodeValue, encodeValue } from '../../../../src/core/codec';
import { CodecError } from '../../../../src/core/errors';
import { LAYERS, type Layer } from '../../../../src/core/layers';
import { MemoryStore } from '../../../../src/core/stores/memory/memoryStore';
import type { Store } from '../../../../src/core/stores/store';
import { EncodedValue } from '../../../../src/core/tiered/encodedValue';
import type { LayerPolicy, LookupStatus, ValueCodec } from '../../../../src/core/tiered/tierTypes';
import { TieredCache } from '../../../../src/core/tiered/tieredCache';
import { sharedTiers } from '../../../helpers/sharedTiers';

function policies(): Record<Layer, LayerPolicy> {
  const result = {} as Record<Layer, LayerPolicy>;
  for (const layer of LAYERS) result[layer] = { ttlMs: 60_000, maxEntryBytes: 1_000_000 };
  return result;
}

const budgets = { prompt: 1e6, module: 1e6, context: 1e6, result: 1e6 };

/** The real codec, with a switch that makes every decode fail (as after a change of encryption key). */
class SwitchableCodec implements ValueCodec {
  broken = false;
  encode(value: unknown): Uint8Array {
    return encodeValue(value);
  }
  decode(bytes: Uint8Array): unknown {
    if (this.broken) throw new CodecError('sealed with another key');
    return decodeValue(bytes);
  }
}

function neverCompute(): never {
  throw new Error('computed although a tier holds the value');
}

describe('TieredCache promotion of shared-tier hits', () => {
  const answer = { text: 'an answer from the shared tier', tokens: 42 };
  let clock: ManualClock;
  let codec: SwitchableCodec;
  let memory: MemoryStore;
  let cache: TieredCache;

  beforeEach(async () => {
    clock = new ManualClock();
    codec = new SwitchableCodec();
    // A memory store stands in for Redis: it holds the encoded bytes the way Redis would.
    const shared = new MemoryStore({ budgets, clock }) as unknown as Store<Uint8Array>;
    await shared.set('result', 'k', encodeValue(answer), { ttlMs: 60_000 });
    memory = new MemoryStore({ budgets, clock });
    cache = await TieredCache.create({ memory, shared: sharedTiers({ redis: shared }), codec, layers: policies(), clock });
  });

  afterEach(async () => {
    await cache.close();
  });

  it('keeps a Redis hit in memory as its bytes and decodes them on the first memory hit', async () => {
    const status: LookupStatus = {};
    assert.deepEqual(await cache.getOrCompute('result', 'k', neverCompute, { status }), answer);
    assert.equal(status.source, 'redis');
    assert.ok(memory.getSync('result', 'k')?.value instanceof EncodedValue, 'promoted still encoded');

    const again: LookupStatus = {};
    const first = await cache.getOrCompute('result', 'k', neverCompute, { status: again });
    assert.equal(again.source, 'memory');
    assert.deepEqual(first, answer);
    assert.deepEqual(memory.getSync('result', 'k')?.value, answer, 'kept decoded from then on');
    assert.equal(await cache.getOrCompute('result', 'k', neverCompute), first, 'later hits return that same object');
    assert.equal(cache.stats.tiers.memory.hits, 2);
    assert.equal(cache.stats.tiers.redis.hits, 1);
  });

  it('serves a promoted entry decoded through peek, get and getMany too', async () => {
    await cache.get('result', 'k');
    assert.deepEqual(cache.peek('result', 'k'), answer);

    memory.setSync('result', 'k', new EncodedValue(encodeValue(answer)), { ttlMs: 1_000 });
    assert.deepEqual((await cache.get('result', 'k'))?.value, answer);
    assert.deepEqual((await cache.get('result', 'k'))?.tier, 'memory');

    memory.setSync('result', 'k', new EncodedValue(encodeValue(answer)), { ttlMs: 1_000 });
    assert.deepEqual(await cache.getMany('result', ['k']), [answer]);
    assert.equal(cache.stats.tiers.memory.hits, 4);
  });

  it('drops a promoted entry whose bytes no longer decode, and reads the shared tier again', async () => {
    await cache.getOrCompute('result', 'k', neverCompute);
    const corrupt: Array<{ key: string; tier: string }> = [];
    cache.events.on('corrupt', ({ key, tier }) => corrupt.push({ key, tier }));

    codec.broken = true;
    assert.equal(cache.peek('result', 'k'), undefined, 'peek misses');
    assert.deepEqual(corrupt, [{ key: 'k', tier: 'memory' }]);
    assert.equal(memory.getSync('result', 'k'), undefined, 'the undecodable copy is gone');

    codec.broken = false;
    const status: LookupStatus = {};
    assert.deepEqual(await cache.getOrCompute('result', 'k', neverCompute, { status }), answer);
    assert.equal(status.source, 'redis');
    assert.equal(cache.stats.tiers.memory.corruptEntries, 1);
  });

  it('treats an undecodable promoted entry as absent in get, getMany and getOrCompute', async () => {
    const reads: Array<() => Promise<unknown>> = [
      async () => (await cache.get('result', 'k'))?.tier,
      async () => cache.getMany('result', ['k']),
      async () => cache.getOrCompute('result', 'k', () => 'recomputed'),
    ];
    const outcomes: unknown[] = [];
    for (const read of reads) {
      memory.setSync('result', 'k', new EncodedValue(new Uint8Array([1, 2, 3, 4, 5])), { ttlMs: 1_000 });
      outcomes.push(await read());
    }
    assert.deepEqual(outcomes, ['redis', [answer], answer]);
    assert.equal(cache.stats.tiers.memory.corruptEntries, 3);
  });
});

describe('TieredCache over an ordered list of shared tiers', () => {
  it('copies a hit into memory and every faster shared tier, never into a slower one', async () => {
    const clock = new ManualClock();
    // Memory stores stand in for the registered shared tiers: they hold bytes as Redis and SurrealDB would.
    const fast = new MemoryStore({ budgets, clock }) as unknown as Store<Uint8Array>;
    const slow = new MemoryStore({ budgets, clock }) as unknown as Store<Uint8Array>;
    await slow.set('result', 'deep', encodeValue('from the slowest tier'), { ttlMs: 60_000 });
    await fast.set('result', 'near', encodeValue('from the fastest shared tier'), { ttlMs: 30_000 });
    const memory = new MemoryStore({ budgets, clock });
    const cache = await TieredCache.create({
      memory,
      shared: [
        { tier: 'redis', store: fast },
        { tier: 'surreal', store: slow },
      ],
      codec: new SwitchableCodec(),
      layers: policies(),
      clock,
    });
    try {
      const status: LookupStatus = {};
      assert.equal(await cache.getOrCompute('result', 'deep', neverCompute, { status }), 'from the slowest tier');
      assert.equal(status.source, 'surreal');
      await cache.flush();
      assert.ok(memory.getSync('result', 'deep'), 'copied into memory');
      assert.equal(decodeValue((await fast.get('result', 'deep'))?.value as Uint8Array), 'from the slowest tier', 'copied into the faster shared tier');

      assert.equal(await cache.getOrCompute('result', 'near', neverCompute), 'from the fastest shared tier');
      await cache.flush();
      assert.equal(await slow.get('result', 'near'), undefined, 'a hit is never copied into a slower tier');
      // The copy keeps the TTL the entry had left, not a new one.
      assert.equal((await fast.get('result', 'deep'))?.expiresAt, clock.now() + 60_000);
    } finally {
      await cache.close();
    }
  });
});
