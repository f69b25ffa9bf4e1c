import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { LAYERS } from '../../src/core/layers';
import { MemoryStore } from '../../src/core/stores/memory/memoryStore';
import { RedisStore } from '../../src/core/stores/redis/redisStore';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import { budgets } from '../helpers/layerBudgets';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';
import { describeStoreContract } from '../helpers/storeContract';

describe('stores', () => {
  let server: RedisServerHandle;
  let dir: string;
  let prefixes = 0;

  before(async () => {
    server = await startRedisServer();
    dir = await mkdtemp(join(tmpdir(), 'claude-cache-stores-'));
  });

  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describeStoreContract('MemoryStore', async (clock) => new MemoryStore({ budgets: budgets(10_000_000), clock }));

  describeStoreContract('RedisStore', (clock) =>
    // A prefix per test keeps tests apart on the one server.
    RedisStore.connect({ url: server.url, keyPrefix: `contract-${++prefixes}:`, clock }),
  );

  describeStoreContract('SurrealStore on surrealkv://', async (clock) => {
    // The same directory every test: each test also proves the directory reopens after close().
    const store = await SurrealStore.open({ url: `surrealkv://${join(dir, 'contract')}`, clock });
    for (const layer of LAYERS) await store.clear(layer);
    return store;
  });

  describeStoreContract('SurrealStore on mem://', (clock) => SurrealStore.open({ url: 'mem://', clock }));

  describe('MemoryStore budgets', () => {
    it('evicts to stay within a layer budget, counts evictions, and resizes live', async () => {
      const clock = new ManualClock();
      const store = new MemoryStore({ budgets: budgets(100), clock });
      for (let i = 0; i < 5; i++) await store.set('result', `k${i}`, new Uint8Array(30), { ttlMs: 1_000, size: 30 });
      assert.deepEqual((await store.keys('result')).sort(), ['k2', 'k3', 'k4']);
      assert.equal(store.evictions('result'), 2);
      store.resize({ ...budgets(100), result: 60 });
      assert.deepEqual((await store.keys('result')).sort(), ['k3', 'k4']);
      assert.equal(store.evictions('result'), 3);
      await store.close();
    });
  });
});
