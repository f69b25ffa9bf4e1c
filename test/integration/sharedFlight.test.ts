import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import { flightLockKey } from '../../src/core/flight';
import { freePort } from '../../tools/common/freePort';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/servers/redisCluster';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';

const SOURCE = `export function add(a: number, b: number): number {\n  return a + b;\n}\n`;

describe('Single-flight across engine instances sharing Redis', function () {
  this.timeout(60_000);
  let redis: RedisServerHandle;
  let fake: FakeAnthropic;
  let root: string;
  let workspace: string;
  const engines: CacheEngine[] = [];

  async function openEngine(name: string, settings: Record<string, unknown>, flight = { lockTtlMs: 2_000, pollIntervalMs: 50 }) {
    const { config, problems } = resolveConfig(
      objectReader({ apiBaseUrl: fake.url, storageDir: join(root, name), model: 'claude-sonnet-5-5', ...settings }),
    );
    assert.deepEqual(problems, []);
    const engine = await CacheEngine.open({ config, apiKey: 'test-key', flight });
    engines.push(engine);
    return engine;
  }

  async function waitForRedis(engine: CacheEngine): Promise<void> {
    // The store connects in the background; a run before it is up would not use Redis at all.
    const client = new Redis(redis.url);
    try {
      await client.ping();
    } finally {
      client.disconnect();
    }
    for (let attempt = 0; attempt < 100 && engine.cache.tierStatus('redis') !== 'up'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(engine.cache.tierStatus('redis'), 'up');
  }

  const run = (engine: CacheEngine, selection: string) =>
    engine.pipeline.run({ workflow: 'explain-selection', workspace, selection });

  before(async () => {
    [redis, fake] = await Promise.all([startRedisServer(), startFakeAnthropic({ latencyMs: 150 })]);
  });

  after(async () => {
    await Promise.all([redis.stop(), fake.close()]);
  });

  beforeEach(async () => {
    fake.reset();
    root = await mkdtemp(join(tmpdir(), 'shared-flight-'));
    workspace = join(root, 'workspace');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await writeFile(join(workspace, 'src', 'math.ts'), SOURCE);
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
    await rm(root, { recursive: true, force: true });
  });

  it('pays once for 50 concurrent identical runs spread over two instances', async () => {
    const a = await openEngine('a', { 'redis.url': redis.url, 'redis.keyPrefix': 'fifty:' });
    const b = await openEngine('b', { 'redis.url': redis.url, 'redis.keyPrefix': 'fifty:' });
    await Promise.all([waitForRedis(a), waitForRedis(b)]);

    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => run(index % 2 === 0 ? a : b, 'const fifty = 50;')));

    assert.equal(fake.calls, 1, 'exactly one upstream call for all 50 runs');
    const texts = new Set(results.map((result) => result.text));
    assert.equal(texts.size, 1, 'every run got the same answer');
    assert.equal(results.reduce((sum, result) => sum + result.upstreamCalls, 0), 1);
    const resultSources = results.map((result) => result.steps.find((step) => step.layer === 'result')?.source);
    assert.equal(resultSources.filter((source) => source === 'compute').length, 1, 'one run computed');
    assert.ok(resultSources.includes('joined'), 'the others joined a shared answer');
    assert.equal(results.filter((result) => !result.cached).length, 1);
  });

  it('hands the answer over in write-behind mode too: the holder writes it to Redis before letting go', async () => {
    // A flush interval far longer than the test: only the holder's own write can put the answer in Redis in time.
    const settings = { 'redis.url': redis.url, 'redis.keyPrefix': 'behind:', writeMode: 'write-behind', 'writeBehind.flushIntervalMs': 60_000 };
    const a = await openEngine('a', settings);
    const b = await openEngine('b', settings);
    await Promise.all([waitForRedis(a), waitForRedis(b)]);
    assert.equal(a.cache.writeMode, 'write-behind');

    const results = await Promise.all(Array.from({ length: 10 }, (_, index) => run(index % 2 === 0 ? a : b, 'const behind = true;')));

    assert.equal(fake.calls, 1);
    assert.equal(new Set(results.map((result) => result.text)).size, 1);
  });

  it('takes over from a holder that died: after its lock expires, exactly one more call', async () => {
    // The result key depends only on the run's inputs: learn it from an engine without Redis.
    const probe = await openEngine('probe', {});
    const probed = await run(probe, 'const dead = 1;');
    const resultKey = probed.steps.find((step) => step.layer === 'result')?.key;
    assert.ok(resultKey);
    fake.reset();

    const a = await openEngine('a', { 'redis.url': redis.url, 'redis.keyPrefix': 'dead:' });
    const b = await openEngine('b', { 'redis.url': redis.url, 'redis.keyPrefix': 'dead:' });
    await Promise.all([waitForRedis(a), waitForRedis(b)]);
    // A holder that took the lock and died: nobody renews or releases it.
    const client = new Redis(redis.url);
    try {
      const lockKey = flightLockKey('dead:', 'result', resultKey);
      assert.equal(await client.set(lockKey, 'token-of-a-dead-holder', 'PX', 600, 'NX'), 'OK');

      const results = await Promise.all(Array.from({ length: 10 }, (_, index) => run(index % 2 === 0 ? a : b, 'const dead = 1;')));

      assert.equal(fake.calls, 1, 'one waiter took over; the rest joined it');
      assert.equal(new Set(results.map((result) => result.text)).size, 1);
      assert.equal(results.reduce((sum, result) => sum + result.upstreamCalls, 0), 1);
      assert.equal(await client.exists(lockKey), 0, 'the new holder released its lock');
    } finally {
      client.disconnect();
    }
  });

  it('still answers every run, in-process single-flight only, when Redis is down', async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const a = await openEngine('a', { 'redis.url': nobody });
    const results = await Promise.all(Array.from({ length: 5 }, () => run(a, 'const down = true;')));
    assert.equal(fake.calls, 1);
    assert.equal(new Set(results.map((result) => result.text)).size, 1);
    assert.notEqual(a.cache.tierStatus('redis'), 'up');
  });

  it('keeps a run whose prompt holds a secret to itself: waiters compute their own answer', async () => {
    const a = await openEngine('a', { 'redis.url': redis.url, 'redis.keyPrefix': 'secret:' });
    const b = await openEngine('b', { 'redis.url': redis.url, 'redis.keyPrefix': 'secret:' });
    await Promise.all([waitForRedis(a), waitForRedis(b)]);
    const secret = 'const key = "AKIAIOSFODNN7EXAMPLE";';
    const results = await Promise.all([run(a, secret), run(b, secret)]);
    assert.equal(fake.calls, 2, 'a private answer is never handed to another instance');
    assert.ok(results.every((result) => result.text.length > 0));
  });
});

describe('Single-flight across engine instances sharing a Redis Cluster', function () {
  this.timeout(90_000);
  let cluster: RedisClusterHandle;
  let fake: FakeAnthropic;
  let root: string;

  before(async () => {
    [cluster, fake] = await Promise.all([startRedisCluster({ masters: 3, replicasPerMaster: 0 }), startFakeAnthropic({ latencyMs: 150 })]);
    root = await mkdtemp(join(tmpdir(), 'shared-flight-cluster-'));
    await mkdir(join(root, 'workspace', 'src'), { recursive: true });
    await writeFile(join(root, 'workspace', 'src', 'math.ts'), SOURCE);
  });

  after(async () => {
    await Promise.all([cluster.stop(), fake.close()]);
    await rm(root, { recursive: true, force: true });
  });

  it('pays once for 20 concurrent identical runs over two instances', async () => {
    const engines = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const { config, problems } = resolveConfig(
          objectReader({
            apiBaseUrl: fake.url,
            storageDir: join(root, name),
            'redis.mode': 'cluster',
            'redis.nodes': [`127.0.0.1:${cluster.nodes[0]!.port}`],
            'redis.keyPrefix': 'cluster-flight:',
          }),
        );
        assert.deepEqual(problems, []);
        return CacheEngine.open({ config, apiKey: 'test-key', flight: { lockTtlMs: 2_000, pollIntervalMs: 50 } });
      }),
    );
    try {
      for (let attempt = 0; attempt < 250 && engines.some((engine) => engine.cache.tierStatus('redis') !== 'up'); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(engines.every((engine) => engine.cache.tierStatus('redis') === 'up'), 'both engines reach the cluster');
      const workspace = join(root, 'workspace');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (engines[index % 2] as CacheEngine).pipeline.run({ workflow: 'explain-selection', workspace, selection: 'const cluster = 3;' }),
        ),
      );
      assert.equal(fake.calls, 1);
      assert.equal(new Set(results.map((result) => result.text)).size, 1);
    } finally {
      await Promise.all(engines.map((engine) => engine.close()));
    }
  });
});
