import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine, type EngineOptions } from '../../src/core/engine';
import { describeError } from '../../src/core/errors';
import { createLogger } from '../../src/core/logger';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { filesUnder } from '../helpers/filesUnder';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';

const PLANTED_API_KEY = `sk-ant-test-PLANTED-${randomBytes(12).toString('hex')}`;
const CODE_MARKER = 'proprietaryAlgorithmZebra42';
const SOURCE = `export function ${CODE_MARKER}(a: number): number {\n  return a * 42;\n}\n`;

describe('security (engine over real Redis and embedded SurrealDB)', function () {
  this.timeout(120_000);
  let fake: FakeAnthropic;
  let redis: RedisServerHandle;
  let client: Redis;
  let root: string;
  let workspace: string;
  let prefixCounter = 0;
  let keyPrefix: string;
  const opened: CacheEngine[] = [];
  const logLines: string[] = [];

  async function openEngine(
    storage: string,
    settings: Record<string, unknown> = {},
    extra: Partial<EngineOptions> = {},
  ): Promise<CacheEngine> {
    const { config, problems } = resolveConfig(
      objectReader({
        apiBaseUrl: fake.url,
        storageDir: join(root, storage),
        'redis.url': redis.url,
        'redis.keyPrefix': keyPrefix,
        ...settings,
      }),
    );
    assert.deepEqual(problems, []);
    const engine = await CacheEngine.open({
      config,
      apiKey: PLANTED_API_KEY,
      logger: createLogger((level, message) => logLines.push(`${level} ${message}`)),
      ...extra,
    });
    opened.push(engine);
    return engine;
  }

  const run = (engine: CacheEngine, selection = SOURCE) =>
    engine.pipeline.run({ workflow: 'explain-selection', workspace, filePath: 'src/algo.ts', selection });

  /** Every value (and key) under this test's prefix in Redis. */
  async function redisBytes(): Promise<Buffer[]> {
    const keys = await client.keys(`${keyPrefix}*`);
    const values = await Promise.all(keys.map((key) => client.getBuffer(key)));
    return [...keys.map((key) => Buffer.from(key)), ...values.filter((value): value is Buffer => value !== null)];
  }

  before(async () => {
    [fake, redis] = await Promise.all([startFakeAnthropic(), startRedisServer()]);
    client = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  });

  after(async () => {
    client.disconnect();
    await Promise.all([fake.close(), redis.stop()]);
  });

  beforeEach(async () => {
    fake.reset();
    logLines.length = 0;
    keyPrefix = `sec${++prefixCounter}:`;
    root = await mkdtemp(join(tmpdir(), 'reliability-security-'));
    workspace = join(root, 'workspace');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await writeFile(join(workspace, 'src', 'algo.ts'), SOURCE);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((engine) => engine.close()));
    await rm(root, { recursive: true, force: true });
  });

  describe('encryption at rest', () => {
    const key = randomBytes(32);

    it('stores readable code in Redis and SurrealDB without a key (the control that proves the grep works)', async () => {
      const engine = await openEngine('plain');
      assert.equal(engine.encrypted, false);
      await run(engine);
      await engine.close();
      assert.ok((await redisBytes()).some((bytes) => bytes.includes(CODE_MARKER)));
      assert.ok((await filesUnder(join(root, 'plain', 'surreal'))).some(({ bytes }) => bytes.includes(CODE_MARKER)));
    });

    it('keeps Redis values and SurrealDB files free of the code when a key is given, and reads them back', async () => {
      const engine = await openEngine('sealed', {}, { encryptionKey: key.toString('base64') });
      assert.equal(engine.encrypted, true);
      const first = await run(engine);
      await engine.close();
      const stored = await redisBytes();
      assert.ok(stored.length > 0);
      assert.ok(!stored.some((bytes) => bytes.includes(CODE_MARKER)), 'code readable in Redis');
      const files = await filesUnder(join(root, 'sealed', 'surreal'));
      assert.ok(!files.some(({ bytes }) => bytes.includes(CODE_MARKER)), 'code readable in SurrealDB files');

      // Another process (empty memory) with the same key, hex this time, reads the sealed answer.
      const again = await openEngine('sealed-reader', {}, { encryptionKey: key.toString('hex') });
      const second = await run(again);
      assert.equal(second.cached, true);
      assert.equal(second.text, first.text);
      assert.equal(fake.calls, 1);
    });

    it('treats values sealed with another key, or written without encryption, as misses and replaces them', async () => {
      // Each phase starts without the namespace marker, as in a namespace written before markers existed: with
      // it, an instance with another key (or none) stays out of Redis altogether (see secretsAtRest.test.ts).
      const forgetMarker = () => client.del(`${keyPrefix}__meta:encrypted`);
      const writer = await openEngine('writer', {}, { encryptionKey: key.toString('hex') });
      const first = await run(writer);
      await writer.close();
      await forgetMarker();
      const corrupt: string[] = [];
      const other = await openEngine('other-key', {}, { encryptionKey: randomBytes(32).toString('base64') });
      other.cache.events.on('corrupt', ({ tier }) => corrupt.push(tier));
      const second = await run(other);
      assert.equal(second.cached, false, 'a wrong key is a miss');
      assert.equal(second.text, first.text, 'and the answer is a real one, never garbage');
      assert.equal(fake.calls, 2);
      assert.ok(corrupt.includes('redis'));
      await other.close();
      await forgetMarker();

      const plain = await openEngine('plain-reader');
      const third = await run(plain);
      assert.equal(third.cached, false, 'a plain reader cannot read sealed values either');
      await plain.close();
      await forgetMarker();
      const sealedReader = await openEngine('sealed-again', {}, { encryptionKey: key.toString('base64') });
      const fourth = await run(sealedReader);
      assert.equal(fourth.cached, false, 'a value written without encryption is a miss when encryption is on');
      assert.equal(fake.calls, 4);
    });

    it('keeps the shared tiers off, with a reason, when encryption is required and no key is set; runs still work', async () => {
      const engine = await openEngine('required', { 'encryption.enabled': true });
      const redisOpening = engine.openings.find((opening) => opening.tier === 'redis');
      const surrealOpening = engine.openings.find((opening) => opening.tier === 'surreal');
      assert.equal(redisOpening?.status, 'failed');
      assert.match(redisOpening?.detail ?? '', /encryption\.enabled is on but no encryption key is set/);
      assert.equal(surrealOpening?.status, 'failed');
      assert.ok(logLines.some((line) => line.startsWith('warn') && line.includes('no encryption key')));
      assert.equal((await run(engine)).cached, false);
      assert.equal((await run(engine)).cached, true, 'memory still caches');
      assert.deepEqual(await client.keys(`${keyPrefix}*`), [], 'nothing readable reached Redis');
    });

    it('keeps the shared tiers off when the key is malformed, without repeating the key', async () => {
      const badKey = `${randomBytes(20).toString('hex')}`;
      const engine = await openEngine('bad-key', {}, { encryptionKey: badKey });
      const opening = engine.openings.find((candidate) => candidate.tier === 'redis');
      assert.equal(opening?.status, 'failed');
      assert.match(opening?.detail ?? '', /CLAUDE_CACHE_ENCRYPTION_KEY .*stay off/);
      assert.ok(!opening?.detail.includes(badKey));
      assert.ok(!logLines.join('\n').includes(badKey));
      assert.equal((await run(engine)).cached, false);
    });
  });

  describe('a planted API key', () => {
    it('appears in nothing the engine writes: Redis, SurrealDB, the storage folder, logs, error messages', async () => {
      const engine = await openEngine('planted', { writeMode: 'write-behind' });
      await run(engine);
      await run(engine);
      const messages: string[] = [];
      const failures: Array<[number, Record<string, string>]> = [
        [400, {}],
        [401, {}],
        [403, {}],
        [404, {}],
        [429, { 'retry-after': '0' }],
        [500, { 'retry-after-ms': '1' }],
        [529, { 'retry-after-ms': '1' }],
      ];
      for (const [status, headers] of failures) {
        // Three times: the SDK retries some of these; an upstream that echoes the key must not leak it.
        for (let i = 0; i < 3; i += 1) {
          fake.failNext(status, {
            headers,
            body: { type: 'error', error: { type: 'api_error', message: `bad key ${PLANTED_API_KEY} (${status})` } },
          });
        }
        const error = await run(engine, `failure ${status}`).then(
          () => assert.fail(`status ${status} did not fail`),
          (caught: unknown) => caught,
        );
        messages.push(describeError(error), String(error), (error as Error).stack ?? '');
        fake.reset();
      }
      fake.resetMidStreamNext();
      await run(engine, 'reset mid stream').catch((error: unknown) => messages.push(describeError(error)));
      fake.errorMidStreamNext();
      await run(engine, 'error mid stream').catch((error: unknown) => messages.push(describeError(error)));
      assert.equal(messages.length, failures.length * 3 + 2);
      await engine.flushStats();
      await engine.close();

      const planted = Buffer.from(PLANTED_API_KEY);
      const tail = Buffer.from(PLANTED_API_KEY.slice(-16));
      const leaks: string[] = [];
      for (const bytes of await redisBytes()) if (bytes.includes(planted) || bytes.includes(tail)) leaks.push('redis');
      for (const { file, bytes } of await filesUnder(join(root, 'planted'))) {
        if (bytes.includes(planted) || bytes.includes(tail)) leaks.push(file);
      }
      for (const line of [...logLines, ...messages]) if (line.includes(PLANTED_API_KEY.slice(-16))) leaks.push(line);
      assert.deepEqual(leaks, []);
      assert.ok(logLines.length > 0 && messages.every((message) => message.length > 0));
    });
  });

  describe('prompts holding secrets', () => {
    const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
    const withSecret = `const awsKey = "${AWS_KEY}";`;

    it('keeps a run whose prompt holds a secret in memory only, by default', async () => {
      const engine = await openEngine('secret-default');
      assert.equal((await run(engine, withSecret)).cached, false);
      assert.equal((await run(engine, withSecret)).cached, true, 'memory still answers');
      const stored = await redisBytes();
      assert.ok(!stored.some((bytes) => bytes.includes(AWS_KEY)), 'secret reached Redis');
      assert.ok(!stored.some((bytes) => bytes.toString('latin1').includes(`${keyPrefix}result:`)), 'result reached Redis');
      await engine.close();
      const files = await filesUnder(join(root, 'secret-default', 'surreal'));
      assert.ok(!files.some(({ bytes }) => bytes.includes(AWS_KEY)), 'secret reached SurrealDB');
      assert.ok(!logLines.some((line) => line.includes(AWS_KEY)));

      // A fresh process finds nothing shared, so it asks Claude again; a run without secrets is shared as usual.
      const other = await openEngine('secret-default-2');
      assert.equal((await run(other, withSecret)).cached, false);
      await run(other, 'const plain = 1;');
      const third = await openEngine('secret-default-3');
      assert.equal((await run(third, 'const plain = 1;')).cached, true);
    });

    it('shares such runs when claudeCache.secrets.cacheInSharedTiers is on', async () => {
      const engine = await openEngine('secret-allowed', { 'secrets.cacheInSharedTiers': true });
      await run(engine, withSecret);
      assert.ok((await redisBytes()).some((bytes) => bytes.toString('latin1').includes(`${keyPrefix}result:`)));
      const other = await openEngine('secret-allowed-2', { 'secrets.cacheInSharedTiers': true });
      assert.equal((await run(other, withSecret)).cached, true);
    });
  });
});
