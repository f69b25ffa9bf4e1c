import assert from 'node:assert/strict';
import { TieredCache } from '../../../../src/core/tiered/tieredCache';
import { memoryOnlyCache } from '../../../helpers/memoryOnlyCache';

describe('TieredCache.getOrCompute with storedByCompute', () => {
  let cache: TieredCache;

  beforeEach(async () => {
    ({ cache } = await memoryOnlyCache({ ttlMs: 1_000 }));
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
