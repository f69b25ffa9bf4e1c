import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import { RedisStore } from '../../src/core/stores/redis/redisStore';
import type { RedisTopology } from '../../src/core/stores/redis/redisTopology';
import type { LookupStatus } from '../../src/core/tiered/tierTypes';
import { eventually } from '../helpers/eventually';
import { startRedisSentinel, type RedisSentinelHandle } from '../helpers/servers/redisSentinel';
import { cachedAnswer } from '../helpers/cachedAnswer';
import { describeStoreContract } from '../helpers/storeContract';

describe('Redis Sentinel (master, replica, one sentinel, on loopback)', function () {
  this.timeout(120_000);
  let sentinel: RedisSentinelHandle;
  let topology: RedisTopology;
  let prefixes = 0;
  const prefix = (): string => `sn${++prefixes}:`;

  before(async () => {
    sentinel = await startRedisSentinel('cache-master');
    topology = { mode: 'sentinel', sentinels: [sentinel.sentinel], name: sentinel.name };
  });

  after(async () => {
    await sentinel?.stop();
  });

  describeStoreContract('RedisStore through a sentinel', (clock) => RedisStore.connect({ topology, keyPrefix: prefix(), clock }));

  describe('RedisStore', () => {
    it('refuses to start on a master group the sentinel does not know, naming it', async () => {
      const unknownGroup: RedisTopology = { mode: 'sentinel', sentinels: [sentinel.sentinel], name: 'no-such-group' };
      await assert.rejects(
        RedisStore.connect({ topology: unknownGroup, connectTimeoutMs: 1_000 }),
        (error: unknown) => error instanceof Error && /cannot connect to sentinel master "no-such-group" via 127\.0\.0\.1:\d+/.test(error.message),
      );
    });
  });

  // Last (mocha runs suites in order): it turns the replica into the master.
  describe('CacheEngine', () => {
    it('runs an engine through the sentinel, and follows it to the new master when the old one is killed', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'claude-cache-sentinel-engine-'));
      const settings = {
        'redis.mode': 'sentinel',
        'redis.nodes': [`${sentinel.sentinel.host}:${sentinel.sentinel.port}`],
        'redis.sentinelName': sentinel.name,
        'redis.keyPrefix': prefix(),
        storageDir: dir,
      };
      const engine = await CacheEngine.open({ config: resolveConfig(objectReader(settings)).config });
      // A plain store on the same prefix looks into Redis past the engine's memory.
      const probe = await RedisStore.connect({ topology, keyPrefix: settings['redis.keyPrefix'] });
      try {
        const opening = engine.openings.find((candidate) => candidate.tier === 'redis');
        assert.deepEqual(
          { tier: opening?.tier, status: opening?.status, detail: opening?.detail },
          { tier: 'redis', status: 'up', detail: `sentinel master "${sentinel.name}" via 127.0.0.1:${sentinel.sentinel.port}` },
        );
        await eventually(() => engine.cache.tierStatus('redis') === 'up', 'the engine reaches the master');
        assert.equal(opening?.liveDetail?.(), `sentinel "${sentinel.name}", master 127.0.0.1:${sentinel.masterPort}`);
        await engine.cache.set('result', 'before:k:1', cachedAnswer('written before failover'));
        assert.ok(await probe.get('result', 'before:k:1'), 'the write reached the master');

        const killedAt = Date.now();
        await sentinel.kill(sentinel.masterPort);
        // The cache keeps answering while the master is gone.
        assert.equal(await engine.cache.getOrCompute('result', 'during:k:1', () => 'computed'), 'computed');
        await eventually(async () => (await sentinel.currentMaster()) === sentinel.replicaPort, 'the sentinel promotes the replica', 600);
        await eventually(async () => {
          try {
            await probe.set('result', 'probe:k:1', Uint8Array.of(1), { ttlMs: 60_000 });
            return true;
          } catch {
            return false;
          }
        }, 'a write to the new master', 600);
        const recoveredMs = Date.now() - killedAt;
        await eventually(
          () => opening?.liveDetail?.() === `sentinel "${sentinel.name}", master 127.0.0.1:${sentinel.replicaPort}`,
          'the views name the promoted replica as the master',
          600,
        );
        await eventually(() => engine.cache.tierStatus('redis') === 'up', 'the Redis tier is up again', 600);
        await engine.cache.set('result', 'after:k:1', cachedAnswer('written after failover'));
        assert.ok(await probe.get('result', 'after:k:1'), 'the engine writes to the promoted replica');
        assert.ok(await probe.get('result', 'before:k:1'), 'what was written before the failover was replicated');
        // A second engine, with memory and SurrealDB of its own, opened after the failover reads from the new master.
        const other = await CacheEngine.open({ config: resolveConfig(objectReader({ ...settings, storageDir: join(dir, 'other') })).config });
        try {
          await eventually(() => other.cache.tierStatus('redis') === 'up', 'the second engine reaches the new master');
          const status: LookupStatus = {};
          assert.equal((await other.cache.getOrCompute('result', 'before:k:1', () => cachedAnswer('missed'), { status })).text, 'written before failover');
          assert.equal(status.source, 'redis');
        } finally {
          await other.close();
        }
        // Measured, not asserted: failover time depends on the machine's load.
        console.log(`      sentinel start ${sentinel.startMs} ms; writes reach the new master ${recoveredMs} ms after the kill`);
      } finally {
        await probe.close();
        await engine.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
