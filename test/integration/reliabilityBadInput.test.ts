import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runCli } from '../../src/cli/main';
import { decodeValue, encodeValue } from '../../src/core/codec';
import { DEFAULT_CONFIG, objectReader, resolveConfig, type CacheConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import { LAYERS, type Layer } from '../../src/core/layers';
import { MemoryStore } from '../../src/core/stores/memory/memoryStore';
import { RedisStore } from '../../src/core/stores/redis/redisStore';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import { TieredCache } from '../../src/core/tiered/tieredCache';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { cachedAnswer } from '../helpers/cachedAnswer';
import type { CachedAnswer } from '../../src/core/pipeline';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';
import { sharedTiers } from '../helpers/sharedTiers';

/** A loopback port nothing listens on: bound, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

const perLayer = <T>(value: T): Record<Layer, T> => Object.fromEntries(LAYERS.map((layer) => [layer, value])) as Record<Layer, T>;

describe('bad input (real Redis, embedded SurrealDB, fake Claude)', function () {
  this.timeout(120_000);
  let fake: FakeAnthropic;
  let redis: RedisServerHandle;
  let root: string;
  let workspace: string;
  const engines: CacheEngine[] = [];

  async function openEngine(config: CacheConfig): Promise<CacheEngine> {
    const engine = await CacheEngine.open({ config, apiKey: 'test-key' });
    engines.push(engine);
    return engine;
  }

  function configWith(settings: Record<string, unknown>): CacheConfig {
    const { config, problems } = resolveConfig(objectReader({ apiBaseUrl: fake.url, storageDir: join(root, 'storage'), ...settings }));
    assert.deepEqual(problems, []);
    return config;
  }

  const run = (engine: CacheEngine, selection = 'const x = 1;') =>
    engine.pipeline.run({ workflow: 'explain-selection', workspace, selection });

  before(async () => {
    [fake, redis] = await Promise.all([startFakeAnthropic(), startRedisServer()]);
  });

  after(async () => {
    await Promise.all([fake.close(), redis.stop()]);
  });

  beforeEach(async () => {
    fake.reset();
    fake.setResponder(undefined);
    root = await mkdtemp(join(tmpdir(), 'reliability-bad-input-'));
    workspace = join(root, 'workspace');
    await mkdir(workspace, { recursive: true });
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
    await rm(root, { recursive: true, force: true });
  });

  describe('storage URLs the engine cannot use', () => {
    it('opens with a SurrealDB directory it cannot create, says why, and runs from memory', async () => {
      const engine = await openEngine(configWith({ 'surreal.url': 'surrealkv:///proc/no-such-dir/cache' }));
      const opening = engine.openings.find((candidate) => candidate.tier === 'surreal');
      assert.equal(opening?.status, 'failed');
      assert.match(opening?.detail ?? '', /surrealkv:\/\/\/proc\/no-such-dir\/cache: its directory cannot be created or written \(.*ENOENT/);
      assert.equal((await run(engine)).cached, false);
      assert.equal((await run(engine)).cached, true);
    });

    it('opens with URLs no validation would let through, each tier failed with a readable reason', async () => {
      const base = configWith({});
      const engine = await openEngine({
        ...base,
        redis: { ...base.redis, url: 'redis://:secret@@@' },
        surreal: { ...base.surreal, url: 'bogus:thing' },
      });
      const detail = (tier: string) => engine.openings.find((opening) => opening.tier === tier);
      assert.equal(detail('redis')?.status, 'failed');
      assert.match(detail('redis')?.detail ?? '', /^cannot use redis:\/\/\*\*\*@@@: Invalid URL/);
      assert.ok(!detail('redis')?.detail.includes('secret'));
      assert.equal(detail('surreal')?.status, 'failed');
      assert.match(detail('surreal')?.detail ?? '', /bogus:thing: .*not supported/);
      assert.equal((await run(engine)).cached, false);
    });

    it('opens with a Redis nobody answers at, marks the tier down after failures, and keeps answering', async () => {
      const port = await closedPort();
      const engine = await openEngine(
        configWith({ 'redis.url': `redis://127.0.0.1:${port}`, 'surreal.url': 'mem://', 'tiers.breakerThreshold': 2 }),
      );
      const errors: string[] = [];
      engine.cache.events.on('tierError', ({ tier, error }) => errors.push(`${tier}: ${error.message}`));
      for (let i = 0; i < 4; i += 1) assert.equal((await run(engine, `const v${i} = ${i};`)).cached, false);
      assert.equal((await run(engine, 'const v0 = 0;')).cached, true);
      assert.notEqual(engine.cache.tierStatus('redis'), 'up');
      assert.ok(errors.some((line) => /^redis: redis: .+/.test(line)), errors.join('\n'));
      assert.equal(engine.cache.tierStatus('surreal'), 'up');
    });
  });

  describe('values that are not ours, placed directly in the shared tiers', () => {
    let client: Redis;
    let cache: TieredCache;
    let redisStore: RedisStore;
    let surrealStore: SurrealStore;
    const corrupt: string[] = [];

    beforeEach(async () => {
      client = new Redis(redis.url);
      redisStore = RedisStore.create({ url: redis.url, keyPrefix: 'bad:' });
      surrealStore = await SurrealStore.open({ url: 'mem://' });
      cache = await TieredCache.create({
        memory: new MemoryStore({ budgets: perLayer(1024 * 1024) }),
        shared: sharedTiers({ redis: redisStore, surreal: surrealStore }),
        codec: { encode: encodeValue, decode: decodeValue },
        layers: perLayer({ ttlMs: 60_000, maxEntryBytes: 1024 * 1024 }),
        tierTimeoutMs: 2_000,
      });
      corrupt.length = 0;
      cache.events.on('corrupt', ({ tier, key }) => corrupt.push(`${tier}:${key}`));
      await client.flushall();
    });

    afterEach(async () => {
      await cache.close();
      client.disconnect();
    });

    const good = encodeValue({ text: 'a real answer '.repeat(40) });
    const otherVersion = Buffer.from(good);
    otherVersion[2] = 99;
    const planted: Record<string, Uint8Array> = {
      truncated: good.subarray(0, good.length - 7),
      header: good.subarray(0, 3),
      'other-version': otherVersion,
      'not-ours': Buffer.from('{"some":"json from another tool"}'),
      empty: new Uint8Array(),
    };

    for (const [name, bytes] of Object.entries(planted)) {
      it(`reads a ${name} value in Redis and in SurrealDB as a miss and deletes it`, async () => {
        await redisStore.set('result', `r-${name}`, bytes, { ttlMs: 60_000 });
        await surrealStore.set('result', `s-${name}`, bytes, { ttlMs: 60_000 });
        assert.equal(await cache.get('result', `r-${name}`), undefined);
        assert.equal(await cache.get('result', `s-${name}`), undefined);
        await cache.flush();
        assert.deepEqual(corrupt.sort(), [`redis:r-${name}`, `surreal:s-${name}`]);
        assert.equal(await redisStore.get('result', `r-${name}`), undefined, 'left in Redis');
        assert.equal(await surrealStore.get('result', `s-${name}`), undefined, 'left in SurrealDB');
        // The key works again afterwards.
        assert.equal(await cache.getOrCompute('result', `r-${name}`, () => 'fresh'), 'fresh');
      });
    }

    it('deletes bytes under its prefix in Redis that are not even a record frame', async () => {
      await client.set('bad:result:raw', 'plain text someone wrote');
      assert.equal(await cache.get('result', 'raw'), undefined);
      await cache.flush();
      for (let i = 0; i < 50 && (await client.exists('bad:result:raw')) === 1; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(await client.exists('bad:result:raw'), 0);
    });
  });

  describe("the CLI's invalidate", () => {
    it('refuses glob, control, Unicode and over-long patterns with a clear message and a failing exit code, removing nothing', async () => {
      const storage = join(root, 'storage');
      const config = configWith({});
      const first = await openEngine(config);
      await first.cache.set('result', 'explain-selection:keep', cachedAnswer('kept'));
      await first.close();
      engines.splice(engines.indexOf(first), 1);

      const env = { HOME: root, CLAUDE_CACHE_STORAGE_DIR: storage, PATH: process.env.PATH ?? '' };
      for (const pattern of ['[a-z]*', '{a,b}', 'a b', 'line\nbreak*', '\u0007*', 'ключ*', '🔑', 'x'.repeat(600), '']) {
        const out: string[] = [];
        const err: string[] = [];
        const code = await runCli(['invalidate', '--pattern', pattern, '--workspace', workspace], {
          stdout: (text) => out.push(text),
          stderr: (text) => err.push(text),
          env,
          cwd: root,
        });
        assert.notEqual(code, 0, `pattern ${JSON.stringify(pattern.slice(0, 20))} was accepted`);
        assert.match(err.join(''), /not a cache key pattern|say what to invalidate/, JSON.stringify(pattern.slice(0, 20)));
        assert.ok(err.join('').length < 400, 'a bounded message');
        assert.equal(out.join(''), '');
      }
      const again = await openEngine(config);
      assert.equal((await again.cache.get<CachedAnswer>('result', 'explain-selection:keep'))?.value.text, 'kept');
    });
  });

  describe('an answer larger than the layer cap', () => {
    it('is returned whole to the user and cached nowhere', async () => {
      // Random text, so compression cannot bring it under the 10 KiB cap; under maxTokens, so Claude sends it whole.
      const big = randomBytes(9000).toString('base64');
      fake.setResponder(() => big);
      const engine = await openEngine(
        configWith({ 'redis.url': redis.url, 'redis.keyPrefix': 'cap:', 'layers.result.maxEntryMB': 0.01 }),
      );
      const tooLarge: number[] = [];
      engine.cache.events.on('tooLarge', ({ layer, size, limit }) => {
        if (layer === 'result') tooLarge.push(size - limit);
      });
      const first = await run(engine, 'const big = true;');
      assert.ok(first.text === big, 'the whole answer reaches the user');
      assert.equal(first.cached, false);
      const calls = fake.calls;
      const second = await run(engine, 'const big = true;');
      assert.ok(second.text === big);
      assert.equal(second.cached, false);
      assert.equal(fake.calls, calls + 1, 'not cached, so Claude is asked again');
      assert.equal(tooLarge.length, 2);
      assert.ok(tooLarge.every((over) => over > 0));
      const client = new Redis(redis.url);
      try {
        assert.deepEqual(await client.keys('cap:result:*'), []);
      } finally {
        client.disconnect();
      }
      assert.equal(DEFAULT_CONFIG.layers.result.maxEntryMB, 8);
    });
  });
});
