import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeValue, encodeValue } from '../../src/core/codec';
import { LAYERS, type Layer } from '../../src/core/layers';
import { MemoryStore } from '../../src/core/stores/memoryStore';
import { RedisInvalidationBus } from '../../src/core/stores/redisInvalidationBus';
import { RedisStore } from '../../src/core/stores/redisStore';
import { TieredCache } from '../../src/core/tiered/tieredCache';
import { startRedisServer, type RedisServerHandle } from './harness/redisServer';

/** CI runs the short form; `LOAD_SECONDS=60 npx mocha test/integration/load.test.ts` is the long one. */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 4);
const WORKERS_PER_INSTANCE = 8;
const KEYS = 4000;
const VALUE_BYTES = 1024;
/** Far below the working set (KEYS x ~1 KiB = ~4 MiB per layer used). */
const MEMORY_BUDGET = 256 * 1024;
const perLayer = <T>(value: T): Record<Layer, T> => Object.fromEntries(LAYERS.map((layer) => [layer, value])) as Record<Layer, T>;

interface Instance {
  cache: TieredCache;
  memory: MemoryStore;
  errors: string[];
  /** Key invalidations this instance asked for, and the ones it heard from the other. */
  sent: string[];
  heard: Set<string>;
  ops: number;
  maxMemoryBytes: number;
}

describe('load: two instances sharing one Redis', function () {
  this.timeout(SECONDS * 1000 + 60_000);
  let redis: RedisServerHandle;
  const instances: Instance[] = [];

  before(async () => {
    redis = await startRedisServer();
  });

  after(async () => {
    await Promise.all(instances.splice(0).map((instance) => instance.cache.close()));
    await redis.stop();
  });

  async function createInstance(): Promise<Instance> {
    const store = RedisStore.create({ url: redis.url, keyPrefix: 'load:', commandTimeoutMs: 5_000 });
    const memory = new MemoryStore({ budgets: perLayer(MEMORY_BUDGET) });
    const cache = await TieredCache.create({
      memory,
      redis: store,
      bus: RedisInvalidationBus.forClient(store.client, { keyPrefix: 'load:' }),
      codec: { encode: encodeValue, decode: decodeValue },
      layers: perLayer({ ttlMs: 600_000, maxEntryBytes: 64 * 1024 }),
      // A loaded 2-core CI machine stalls now and then; a stall is not what this test is about.
      tierTimeoutMs: 5_000,
    });
    const instance: Instance = { cache, memory, errors: [], sent: [], heard: new Set(), ops: 0, maxMemoryBytes: 0 };
    cache.events.on('tierError', ({ tier, operation, error }) => instance.errors.push(`${tier} ${operation}: ${error.message}`));
    cache.events.on('invalidated', (event) => {
      if (event.remote && event.scope === 'key' && event.key !== undefined) instance.heard.add(event.key);
    });
    return instance;
  }

  it(`holds mixed reads, writes and invalidations for ${SECONDS} s with 0 errors, memory in budget, every invalidation seen`, async () => {
    instances.push(await createInstance(), await createInstance());
    const payload = randomBytes(VALUE_BYTES / 2).toString('hex');
    const deadline = Date.now() + SECONDS * 1000;
    let invalidationSerial = 0;

    async function worker(self: Instance, seed: number): Promise<void> {
      let state = seed;
      const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
      while (Date.now() < deadline) {
        const roll = next();
        const key = `k${Math.floor(next() * KEYS)}`;
        try {
          if (roll < 0.7) {
            const value = await self.cache.getOrCompute<{ key: string }>('result', key, () => ({ key, payload }));
            if (value.key !== key) self.errors.push(`read ${key} returned ${value.key}`);
          } else if (roll < 0.95) {
            await self.cache.set('result', key, { key, payload });
          } else {
            // A key only this invalidation uses, so the other instance's events can be matched one to one.
            const marked = `inv${seed}-${invalidationSerial++}`;
            await self.cache.set('result', marked, { key: marked, payload });
            await self.cache.invalidate('result', marked);
            self.sent.push(marked);
          }
        } catch (error) {
          self.errors.push(String(error));
        }
        self.ops += 1;
        if (self.ops % 50 === 0) {
          const bytes = (await self.memory.usage('result')).bytes;
          self.maxMemoryBytes = Math.max(self.maxMemoryBytes, bytes);
        }
      }
    }

    const started = Date.now();
    // Heap per second, reported (not asserted: without --expose-gc a sample is noisy) to show whether it trends up.
    const heap: number[] = [];
    const sampler = setInterval(() => heap.push(Math.round(process.memoryUsage().heapUsed / 1048576)), 1000);
    await Promise.all(
      instances.flatMap((instance, index) =>
        Array.from({ length: WORKERS_PER_INSTANCE }, (_, worker_) => worker(instance, index * 1000 + worker_ + 1)),
      ),
    );
    clearInterval(sampler);
    const elapsed = (Date.now() - started) / 1000;
    const [a, b] = instances as [Instance, Instance];

    // Pub/sub delivery is asynchronous: give the last messages a moment, then every one must have arrived.
    const settleBy = Date.now() + 10_000;
    const unseen = () => [...a.sent.filter((key) => !b.heard.has(key)), ...b.sent.filter((key) => !a.heard.has(key))];
    while (unseen().length > 0 && Date.now() < settleBy) await new Promise((resolve) => setTimeout(resolve, 50));

    const ops = a.ops + b.ops;
    const report = await Promise.all(instances.map((instance) => instance.cache.report()));
    process.stdout.write(
      `      load: ${ops} ops in ${elapsed.toFixed(1)} s = ${Math.round(ops / elapsed)} ops/s over 2 instances; ` +
        `${a.sent.length + b.sent.length} invalidations; memory peak ${Math.max(a.maxMemoryBytes, b.maxMemoryBytes)} B of ${MEMORY_BUDGET} B; ` +
        `memory evictions ${report.map((r) => r.tiers.memory.evictions).join('+')}; heap MiB per s ${heap.join(' ')}\n`,
    );
    assert.deepEqual([...a.errors, ...b.errors].slice(0, 5), []);
    assert.deepEqual(unseen(), []);
    assert.ok(a.sent.length > 0 && b.sent.length > 0);
    for (const instance of instances) {
      assert.ok(instance.maxMemoryBytes <= MEMORY_BUDGET, `memory tier at ${instance.maxMemoryBytes} B`);
      assert.ok(instance.maxMemoryBytes > MEMORY_BUDGET / 2, 'the working set filled the memory tier');
    }
    assert.ok(report.every((r) => r.tiers.memory.evictions > 0), 'the budget forced evictions');
    assert.ok(report.every((r) => r.tiers.redis.hits > 0), 'Redis served what memory had evicted');
  });
});
