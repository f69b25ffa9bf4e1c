import assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/clock';
import { decodeValue, encodeValue } from '../../../../src/core/codec';
import { LAYERS, type Layer } from '../../../../src/core/layers';
import { MemoryStore } from '../../../../src/core/stores/memory/memoryStore';
import type { LayerPolicy } from '../../../../src/core/tiered/tierTypes';
import { TieredCache } from '../../../../src/core/tiered/tieredCache';

function policies(ttlMs: number): Record<Layer, LayerPolicy> {
  const result = {} as Record<Layer, LayerPolicy>;
  for (const layer of LAYERS) result[layer] = { ttlMs, maxEntryBytes: 1_000_000 };
  return result;
}

describe('TieredCache.peek', () => {
  let clock: ManualClock;
  let cache: TieredCache;

  beforeEach(async () => {
    clock = new ManualClock();
    const memory = new MemoryStore({ budgets: { prompt: 1e6, module: 1e6, context: 1e6, result: 1e6 }, clock });
    cache = await TieredCache.create({ memory, codec: { encode: encodeValue, decode: decodeValue }, layers: policies(1_000), clock });
  });

  afterEach(async () => {
    await cache.close();
  });

  it('returns the value memory holds, synchronously and as the same object', async () => {
    const value = { text: 'cached answer' };
    await cache.set('result', 'k', value);
    const peeked = cache.peek<typeof value>('result', 'k');
    assert.equal(peeked, value);
  });

  it('counts a hit as getOrCompute would, and a miss not at all', async () => {
    await cache.set('result', 'k', 'v');
    cache.peek('result', 'k');
    assert.equal(cache.peek('result', 'absent'), undefined);
    assert.equal(cache.stats.layers.result.hits, 1);
    assert.equal(cache.stats.layers.result.misses, 0);
    assert.equal(cache.stats.tiers.memory.hits, 1);
  });

  it('keeps layers apart', async () => {
    await cache.set('prompt', 'k', 'prompt value');
    assert.equal(cache.peek('result', 'k'), undefined);
    assert.equal(cache.peek('prompt', 'k'), 'prompt value');
  });

  it('does not return an expired entry', async () => {
    await cache.set('result', 'k', 'v');
    clock.advance(1_000);
    assert.equal(cache.peek('result', 'k'), undefined);
  });

  it('does not return an invalidated entry', async () => {
    await cache.set('result', 'k', 'v');
    await cache.invalidate('result', 'k');
    assert.equal(cache.peek('result', 'k'), undefined);
  });

  it('misses once the cache is closed', async () => {
    await cache.set('result', 'k', 'v');
    await cache.close();
    assert.equal(cache.peek('result', 'k'), undefined);
  });
});
