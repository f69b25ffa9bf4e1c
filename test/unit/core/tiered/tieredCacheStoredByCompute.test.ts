import assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/clock';
import { decodeValue, encodeValue } from '../../../../src/core/codec';
import { LAYERS, type Layer } from '../../../../src/core/layers';
import { MemoryStore } from '../../../../src/core/stores/memory/memoryStore';
import type { LayerPolicy } from '../../../../src/core/tiered/tierTypes';
import { TieredCache } from '../../../../src/core/tiered/tieredCache';

describe('TieredCache.getOrCompute with storedByCompute', () => {
  let cache: TieredCache;

  beforeEach(async () => {
    const clock = new ManualClock();
    const layers = {} as Record<Layer, LayerPolicy>;
    for (const layer of LAYERS) layers[layer] = { ttlMs: 1_000, maxEntryBytes: 1_000_000 };
    const memory = new MemoryStore({ budgets: { prompt: 1e6, module: 1e6, context: 1e6, result: 1e6 }, clock });
    cache = await TieredCache.create({ memory, codec: { encode: encodeValue, decode: decodeValue }, layers, clock });
  });

  afterEach(async () => {
    await cache.close();
  });

  it('does not write a value its computation already stored', async () => {
    const writes: string[] = [];
    cache.events.on('set', ({ key }) => writes.push(key));
    const value = await cache.getOrCompute(
      'result',
      'k',
      async () => {
        await cache.set('result', 'k', 'stored by the computation');
        return 'stored by the computation';
      },
      { storedByCompute: () => true },
    );
    assert.equal(value, 'stored by the computation');
    assert.deepEqual(writes, ['k'], 'one write, the computation\'s own');
  });

  it('stores the value as usual when the computation did not', async () => {
    const writes: string[] = [];
    cache.events.on('set', ({ key }) => writes.push(key));
    await cache.getOrCompute('result', 'k', async () => 'computed', { storedByCompute: () => false });
    assert.deepEqual(writes, ['k']);
    assert.equal(cache.peek('result', 'k'), 'computed');
  });
});
