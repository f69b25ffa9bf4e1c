import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { ManualClock, systemClock, type Clock } from '../../src/core/clock';
import { decodeValue, encodeValue } from '../../src/core/codec';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import { LAYERS, type Layer, type TierStatus } from '../../src/core/layers';
import { MemoryStore } from '../../src/core/stores/memory/memoryStore';
import { RedisInvalidationBus } from '../../src/core/stores/redis/redisInvalidationBus';
import { RedisStore } from '../../src/core/stores/redis/redisStore';
import type { RedisTopology } from '../../src/core/stores/redis/redisTopology';
import type { InvalidationMessage } from '../../src/core/tiered/invalidationBus';
import type { LayerPolicy, LookupStatus } from '../../src/core/tiered/tierTypes';
import { TieredCache } from '../../src/core/tiered/tieredCache';
import { eventually } from '../helpers/eventually';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/servers/redisCluster';
import { cachedAnswer } from '../helpers/cachedAnswer';
import { describeStoreContract } from '../helpers/storeContract';
import { redisBus, sharedTiers } from '../helpers/sharedTiers';

const codec = { encode: encodeValue, decode: decodeValue };
const run = promisify(execFile);
const repo = resolve(__dirname, '..', '..');

function policies(): Record<Layer, LayerPolicy> {
  const result = {} as Record<Layer, LayerPolicy>;
  for (const layer of LAYERS) result[layer] = { ttlMs: 3_600_000, maxEntryBytes: 1_000_000 };
  return result;
}

describe('Redis Cluster (3 masters, 3 replicas, on loopback)', function () {
  this.timeout(120_000);
  let cluster: RedisClusterHandle;
  let topology: RedisTopology;
  let prefixes = 0;
  const prefix = (): string => `cl${++prefixes}:`;
  /** A plain connection to one node, closed after `use`. */
  async function onNode<T>(port: number, use: (node: Redis) => Promise<T>): Promise<T> {
    const node = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null });
    try {
      return await use(node);
    } finally {
      node.disconnect();
    }
  }

  before(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    topology = { mode: 'cluster', nodes: cluster.seeds.slice(0, 1) };
  });

  after(async () => {
    await cluster?.stop();
  });

  /** How many keys under `match` each current master holds, by port. */
  async function keysPerMaster(match: string): Promise<number[]> {
    const counts: number[] = [];
    for (const port of await cluster.masters()) {
      counts.push(
        await onNode(port, async (node) => {
          let cursor = '0';
          let count = 0;
          do {
            const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
            cursor = next;
            count += keys.length;
          } while (cursor !== '0');
          return count;
        }),
      );
    }
    return counts;
  }

  // One seed is enough: the rest of the cluster is discovered from it.
  describeStoreContract('RedisStore on a Redis Cluster', (clock) =>
    RedisStore.connect({ topology, keyPrefix: prefix(), clock }),
  );

  describe('RedisStore', () => {
    const stores: RedisStore[] = [];
    const connect = async (clock: Clock = new ManualClock(), keyPrefix = prefix()) => {
      const store = await RedisStore.connect({ topology, keyPrefix, clock });
      stores.push(store);
      return store;
    };
    afterEach(async () => Promise.all(stores.splice(0).map((store) => store.close())));

    it('spreads one layer over every master (no hash tag pins it to one slot)', async () => {
      const store = await connect();
      await store.setMany('result', Array.from({ length: 90 }, (_, i) => ({ key: `spread:k:${i}`, value: Uint8Array.of(i), ttlMs: 60_000 })));
      const counts = await keysPerMaster(`${store.keyPrefix}result:*`);
      assert.equal(counts.length, 3);
      assert.ok(counts.every((count) => count > 0), `keys per master: ${counts.join(', ')}`);
      assert.equal(counts.reduce((a, b) => a + b, 0), 90);
    });

    it('reads many keys of different slots in one getMany, in the order asked', async () => {
      const store = await connect();
      for (let i = 0; i < 30; i++) await store.set('module', `many:k:${i}`, Uint8Array.of(i), { ttlMs: 60_000 });
      const keys = Array.from({ length: 31 }, (_, i) => `many:k:${30 - i}`);
      const found = await store.getMany('module', keys);
      assert.deepEqual(
        found.map((record) => (record ? [...record.value] : undefined)),
        keys.map((_, i) => (i === 0 ? undefined : [30 - i])),
      );
    });

    it('removes a layer and a pattern from every master, and counts what went', async () => {
      const store = await connect();
      await store.setMany('context', Array.from({ length: 60 }, (_, i) => ({ key: `${i % 2 ? 'odd' : 'even'}:k:${i}`, value: Uint8Array.of(1), ttlMs: 60_000 })));
      await store.set('prompt', 'odd:k:kept', Uint8Array.of(2), { ttlMs: 60_000 });
      assert.equal(await store.deleteMatching('context', 'odd:*'), 30);
      assert.deepEqual(await keysPerMaster(`${store.keyPrefix}context:odd:*`), [0, 0, 0]);
      assert.ok((await keysPerMaster(`${store.keyPrefix}context:even:*`)).every((count) => count > 0));
      assert.equal(await store.clear('context'), 30);
      assert.deepEqual(await keysPerMaster(`${store.keyPrefix}context:*`), [0, 0, 0]);
      assert.ok(await store.get('prompt', 'odd:k:kept'), 'other layers are untouched');
    });

    it('lists keys, entries and usage from every master', async () => {
      const clock = new ManualClock();
      const store = await connect(clock);
      for (let i = 0; i < 24; i++) {
        await store.set('result', `list:k:${i}`, new Uint8Array(10), { ttlMs: 60_000 });
        clock.advance(1);
      }
      assert.equal((await store.keys('result')).length, 24);
      const entries = await store.entries('result', 5);
      assert.deepEqual(entries.map((entry) => entry.key), ['list:k:23', 'list:k:22', 'list:k:21', 'list:k:20', 'list:k:19']);
      assert.deepEqual(await store.usage('result'), { entries: 24, bytes: 240 });
    });

    it('says which topology it could not reach', async () => {
      await assert.rejects(
        RedisStore.connect({ topology: { mode: 'cluster', nodes: [{ host: '127.0.0.1', port: 1 }] }, connectTimeoutMs: 1_000 }),
        (error: unknown) => error instanceof Error && /cannot connect to cluster via 127\.0\.0\.1:1/.test(error.message),
      );
    });
  });

  describe('RedisInvalidationBus', () => {
    const buses: RedisInvalidationBus[] = [];
    afterEach(async () => Promise.all(buses.splice(0).map((bus) => bus.close())));

    it('hears a message published on any node of the cluster, masters and replicas alike', async () => {
      const keyPrefix = prefix();
      const bus = await RedisInvalidationBus.connect({ topology, keyPrefix });
      buses.push(bus);
      const heard: InvalidationMessage[] = [];
      await bus.subscribe((message) => heard.push(message));
      for (const node of cluster.nodes) {
        const message: InvalidationMessage = { origin: `node-${node.port}`, kind: 'layer', layer: 'result' };
        await onNode(node.port, (publisher) => publisher.publish(bus.channel, JSON.stringify(message)));
      }
      await eventually(() => heard.length === cluster.nodes.length, 'a message from each of the six nodes');
      assert.deepEqual(
        heard.map((message) => message.origin).sort(),
        cluster.nodes.map((node) => `node-${node.port}`).sort(),
      );
    });

    it("carries one cache's invalidations to another cache's memory", async () => {
      const keyPrefix = prefix();
      const clock = new ManualClock();
      const make = async () => {
        const memory = new MemoryStore({ budgets: { prompt: 1e6, module: 1e6, context: 1e6, result: 1e6 }, clock });
        const redis = await RedisStore.connect({ topology, keyPrefix, clock });
        const bus = await RedisInvalidationBus.connect({ topology, keyPrefix });
        const cache = await TieredCache.create({ memory, shared: sharedTiers({ redis }), codec, layers: policies(), clock, bus: redisBus(bus), tierTimeoutMs: 1_000 });
        return { cache, memory };
      };
      const a = await make();
      const b = await make();
      try {
        for (let i = 0; i < 12; i++) await a.cache.set('result', `shared:k:${i}`, `v${i}`);
        for (let i = 0; i < 12; i++) assert.equal(await b.cache.getOrCompute('result', `shared:k:${i}`, () => 'b'), `v${i}`);
        await a.cache.invalidate('result', 'shared:k:0');
        await eventually(() => b.memory.getSync('result', 'shared:k:0') === undefined, 'b dropped the invalidated key');
        await a.cache.invalidatePattern('shared:k:1*', 'result');
        await eventually(() => b.memory.getSync('result', 'shared:k:10') === undefined, 'b dropped the pattern');
        assert.ok(b.memory.getSync('result', 'shared:k:2'), 'keys outside the pattern stay');
        await a.cache.invalidateLayer('result');
        await eventually(() => b.memory.getSync('result', 'shared:k:2') === undefined, 'b dropped the layer');
        assert.equal(await b.cache.getOrCompute('result', 'shared:k:5', () => 'recomputed'), 'recomputed');
      } finally {
        await Promise.all([a.cache.close(), b.cache.close()]);
      }
    });
  });

  describe('RedisInvalidationBus when its node dies', () => {
    it('moves its subscription to another node and keeps hearing invalidations', async () => {
      const keyPrefix = prefix();
      const [sender, receiver] = await Promise.all([
        RedisInvalidationBus.connect({ topology, keyPrefix }),
        RedisInvalidationBus.connect({ topology, keyPrefix }),
      ]);
      const heard: string[] = [];
      await receiver.subscribe((message) => heard.push(message.origin));
      let victim: number | undefined;
      try {
        await sender.publish({ origin: 'before', kind: 'all' });
        await eventually(() => heard.includes('before'), 'the message sent before the kill');
        // The node holding the receiver's subscription, as the servers themselves list their clients.
        for (const node of cluster.nodes) {
          const clients = await onNode(node.port, (connection) => connection.client('LIST') as Promise<string>);
          if (/ sub=1 /.test(clients)) victim = node.port;
        }
        assert.ok(victim !== undefined, 'some node holds the subscription');
        await cluster.kill(victim);
        let sent = 0;
        await eventually(async () => {
          const origin = `after-${++sent}`;
          await sender.publish({ origin, kind: 'all' }).catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 100));
          return heard.includes(origin);
        }, 'a message sent after the subscribed node died', 300);
      } finally {
        await Promise.all([sender.close(), receiver.close()]);
        if (victim !== undefined) await cluster.restart(victim);
        await cluster.waitHealthy();
      }
    });
  });

  describe('CacheEngine', () => {
    it('keeps the Redis tier off with the reason when cluster mode names no seed, and still runs', async () => {
      const storageDir = await mkdtemp(join(tmpdir(), 'claude-cache-cluster-engine-'));
      const engine = await CacheEngine.open({ config: resolveConfig(objectReader({ 'redis.mode': 'cluster', storageDir })).config });
      try {
        const opening = engine.openings.find((candidate) => candidate.tier === 'redis');
        assert.deepEqual(opening, {
          tier: 'redis',
          status: 'failed',
          detail: 'claudeCache.redis.mode is cluster but no seed node is set (claudeCache.redis.nodes)',
        });
        assert.equal(await engine.cache.getOrCompute('result', 'alone:k:1', () => 'computed'), 'computed');
      } finally {
        await engine.close();
        await rm(storageDir, { recursive: true, force: true });
      }
    });

    it('opens the Redis tier on the cluster the settings name and shares entries through it', async () => {
      const dirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'claude-cache-cluster-engine-'))));
      const settings = { 'redis.mode': 'cluster', 'redis.nodes': [`127.0.0.1:${cluster.nodes[1]!.port}`], 'redis.keyPrefix': prefix() };
      const engines = await Promise.all(
        dirs.map((storageDir) => CacheEngine.open({ config: resolveConfig(objectReader({ ...settings, storageDir })).config })),
      );
      try {
        const [a, b] = engines as [CacheEngine, CacheEngine];
        const opening = a.openings.find((candidate) => candidate.tier === 'redis');
        assert.deepEqual(
          { tier: opening?.tier, status: opening?.status, detail: opening?.detail },
          { tier: 'redis', status: 'up', detail: `cluster via 127.0.0.1:${cluster.nodes[1]!.port}` },
        );
        await eventually(() => a.cache.tierStatus('redis') === 'up' && b.cache.tierStatus('redis') === 'up', 'both engines reach the cluster');
        // The views name the topology as discovered from the one seed.
        assert.equal(opening?.liveDetail?.(), 'cluster, 3 masters');
        for (let i = 0; i < 20; i++) await a.cache.set('module', `engine:k:${i}`, cachedAnswer(`v${i}`));
        // b's embedded SurrealDB is its own: a hit in b can only come from the cluster.
        const status: LookupStatus = {};
        assert.equal((await b.cache.getOrCompute('module', 'engine:k:7', () => cachedAnswer('missed'), { status })).text, 'v7');
        assert.equal(status.source, 'redis');
        // The invalidation reaches b's memory over the cluster's pub/sub.
        await a.cache.invalidateLayer('module');
        await eventually(
          async () => (await b.cache.getOrCompute('module', 'engine:k:7', () => 'recomputed')) === 'recomputed',
          "b's memory dropped the layer",
        );
        assert.equal((await a.stats()).tiers.redis.status, 'up');
      } finally {
        await Promise.all(engines.map((engine) => engine.close()));
        await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
      }
    });
  });

  describe('claude-cache CLI', () => {
    it('counts and invalidates a layer over every master, configured from the environment', async () => {
      const root = await mkdtemp(join(tmpdir(), 'claude-cache-cluster-cli-'));
      const keyPrefix = prefix();
      await mkdir(join(root, '.vscode'));
      await writeFile(join(root, '.vscode', 'settings.json'), JSON.stringify({ 'claudeCache.redis.keyPrefix': keyPrefix }));
      const store = await RedisStore.connect({ topology, keyPrefix });
      const cli = async (...args: string[]) => {
        const { stdout } = await run(process.execPath, ['--import', 'tsx', join(repo, 'src', 'cli', 'main.ts'), ...args, '--workspace', root], {
          cwd: repo,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: root,
            CLAUDE_CACHE_STORAGE_DIR: join(root, 'storage'),
            CLAUDE_CACHE_REDIS_MODE: 'cluster',
            // The workspace's keyPrefix is trust-restricted: an untrusted workspace's value is not used.
            CLAUDE_CACHE_REDIS_KEY_PREFIX: keyPrefix,
            CLAUDE_CACHE_REDIS_NODES: cluster.seeds.map(({ host, port }) => `${host}:${port}`).join(','),
          },
        });
        return stdout;
      };
      try {
        await store.setMany('result', Array.from({ length: 30 }, (_, i) => ({ key: `cli:k:${i}`, value: Uint8Array.of(i), ttlMs: 60_000 })));
        const stats = JSON.parse(await cli('stats', '--json')) as { tiers: { redis: { status: string; entries: number } } };
        assert.deepEqual(stats.tiers.redis, { ...stats.tiers.redis, status: 'up', entries: 30 });
        await cli('invalidate', '--layer', 'result');
        assert.deepEqual(await keysPerMaster(`${keyPrefix}result:*`), [0, 0, 0]);
      } finally {
        await store.close();
        await rm(root, { recursive: true, force: true });
      }
    });
  });

  // Last: it changes which nodes are masters.
  describe('a master killed mid-run', () => {
    it('keeps answering from memory, degrades the Redis tier, and serves Redis hits again after failover', async () => {
      const keyPrefix = prefix();
      const make = async () => {
        const memory = new MemoryStore({ budgets: { prompt: 1e6, module: 1e6, context: 1e6, result: 1e6 }, clock: systemClock });
        const redis = RedisStore.create({ topology, keyPrefix, commandTimeoutMs: 500, connectTimeoutMs: 500 });
        const cache = await TieredCache.create({
          memory,
          shared: sharedTiers({ redis }),
          codec,
          layers: policies(),
          tierTimeoutMs: 300,
          breaker: { threshold: 2, cooldownMs: 300 },
        });
        return { cache, memory };
      };
      const writer = await make();
      const reader = await make();
      const statuses: TierStatus[] = [];
      writer.cache.events.on('tierStatus', ({ tier, status }) => tier === 'redis' && statuses.push(status));
      try {
        await eventually(() => writer.cache.tierStatus('redis') === 'up' && reader.cache.tierStatus('redis') === 'up', 'both caches reach the cluster');
        const victim = (await cluster.masters())[0]!;
        let killedAt = 0;
        for (let i = 0; i < 150; i++) {
          if (i === 50) {
            await cluster.kill(victim);
            killedAt = Date.now();
          }
          assert.equal(await writer.cache.getOrCompute('result', `run:k:${i}`, () => `v${i}`), `v${i}`);
          assert.equal(await writer.cache.getOrCompute('result', `run:k:${i}`, () => 'recomputed'), `v${i}`, 'served from memory');
          const earlier = `run:k:${Math.floor(i / 2)}`;
          assert.equal(await reader.cache.getOrCompute('result', earlier, () => `v${Math.floor(i / 2)}`), `v${Math.floor(i / 2)}`);
        }
        assert.ok(statuses.some((status) => status !== 'up'), `the Redis tier went degraded or down (saw ${statuses.join(', ') || 'nothing'})`);

        // Recovered: a value the writer puts now is a Redis hit for the reader, whose memory never held it.
        let attempt = 0;
        await eventually(async () => {
          const key = `after:k:${++attempt}`;
          await writer.cache.set('result', key, 'fresh');
          const status: LookupStatus = {};
          const value = await reader.cache.getOrCompute('result', key, () => 'missed', { status });
          return value === 'fresh' && status.source === 'redis';
        }, 'a Redis hit after failover', 600);
        const recoveredMs = Date.now() - killedAt;
        assert.ok(!(await cluster.masters()).includes(victim), 'a replica took over the killed master');
        await eventually(() => writer.cache.tierStatus('redis') === 'up', "the writer's Redis tier is up again");
        // Measured, not asserted: failover and recovery depend on the machine's load.
        console.log(`      cluster start ${cluster.startMs} ms; Redis hits again ${recoveredMs} ms after the master was killed`);
      } finally {
        await Promise.all([writer.cache.close(), reader.cache.close()]);
        await cluster.restart(cluster.nodes.find((node) => !node.running)!.port);
        await cluster.waitHealthy();
      }
    });
  });
});
