import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import { StoreError } from '../../src/core/errors';
import { createLogger } from '../../src/core/logger';
import { RedisInvalidationBus } from '../../src/core/stores/redis/redisInvalidationBus';
import { RedisStore } from '../../src/core/stores/redis/redisStore';
import { redisUrlWithPassword } from '../../src/core/stores/redis/redisUrl';
import type { InvalidationMessage } from '../../src/core/tiered/invalidationBus';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { startAuthRedisServer, type AuthRedisServer } from '../helpers/servers/authRedisServer';

const ROOT_PASSWORD = 'root-pw-7f3a';
const USER = 'cache';
// Characters that would end a password early in a URL, to show they survive the trip.
const USER_PASSWORD = 'p@ss:w/rd%9';
const WRONG_PASSWORD = 'not-the-pw-41c2';

describe('Redis with a password and an ACL user', function () {
  this.timeout(60_000);
  let server: AuthRedisServer;
  const url = (userinfo: string) => `redis://${userinfo}@127.0.0.1:${server.port}`;
  const userUrl = (password: string) => redisUrlWithPassword(url(USER), password);
  const closers: Array<() => Promise<unknown>> = [];

  before(async () => {
    server = await startAuthRedisServer({ requirePass: ROOT_PASSWORD, users: { [USER]: USER_PASSWORD } });
  });

  after(async () => {
    await server.stop();
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  /** An admin connection as the ACL user, to look at what the code under test wrote. */
  async function admin(): Promise<Redis> {
    const client = new Redis({ host: '127.0.0.1', port: server.port, username: USER, password: USER_PASSWORD, lazyConnect: true });
    await client.connect();
    closers.push(() => client.quit());
    return client;
  }

  describe('RedisStore', () => {
    it('connects as the ACL user and reads back what it wrote', async () => {
      const store = await RedisStore.connect({ url: userUrl(USER_PASSWORD), keyPrefix: 'auth-test:' });
      closers.push(() => store.close());
      await store.set('prompt', 'k1', new Uint8Array([1, 2, 3]), { ttlMs: 60_000 });
      assert.deepEqual((await store.get('prompt', 'k1'))?.value, new Uint8Array([1, 2, 3]));
      assert.equal(await (await admin()).exists('auth-test:prompt:k1'), 1);
    });

    it('connects with the default user’s password (requirepass)', async () => {
      const store = await RedisStore.connect({ url: redisUrlWithPassword(`redis://127.0.0.1:${server.port}`, ROOT_PASSWORD) });
      closers.push(() => store.close());
      assert.equal(store.status, 'ready');
    });

    it('refuses a wrong password with a StoreError that says so and does not repeat it', async () => {
      await assert.rejects(RedisStore.connect({ url: userUrl(WRONG_PASSWORD), connectTimeoutMs: 5_000 }), (error: unknown) => {
        assert.ok(error instanceof StoreError, String(error));
        assert.match(error.message, /Redis refused the login/);
        assert.match(error.message, /WRONGPASS/);
        assert.match(error.message, /redis:\/\/\*\*\*@127\.0\.0\.1/);
        assert.ok(!error.message.includes(WRONG_PASSWORD), error.message);
        assert.ok(!error.message.includes(encodeURIComponent(WRONG_PASSWORD)), error.message);
        return true;
      });
    });

    it('refuses a missing password with a StoreError that points at where the password comes from', async () => {
      await assert.rejects(RedisStore.connect({ url: `redis://127.0.0.1:${server.port}` }), (error: unknown) => {
        assert.ok(error instanceof StoreError, String(error));
        assert.match(error.message, /Redis refused the login.*CLAUDE_CACHE_REDIS_PASSWORD.*NOAUTH/);
        return true;
      });
    });
  });

  describe('RedisInvalidationBus', () => {
    it('carries an invalidation between two buses logged in as the ACL user', async () => {
      const [sender, receiver] = await Promise.all([
        RedisInvalidationBus.connect({ url: userUrl(USER_PASSWORD), keyPrefix: 'auth-test:' }),
        RedisInvalidationBus.connect({ url: userUrl(USER_PASSWORD), keyPrefix: 'auth-test:' }),
      ]);
      closers.push(() => sender.close(), () => receiver.close());
      const heard = new Promise<InvalidationMessage>((resolve) => void receiver.subscribe(resolve));
      const message: InvalidationMessage = { origin: 'other', kind: 'key', layer: 'prompt', key: 'k1' };
      // The receiver may still be subscribing: repeat until it hears one, as a real sender would not need to.
      const sending = setInterval(() => void sender.publish(message).catch(() => undefined), 50);
      try {
        assert.deepEqual(await heard, message);
      } finally {
        clearInterval(sending);
      }
    });

    it('rejects a publish with a wrong password with a StoreError that says so and does not repeat it', async () => {
      const bus = await RedisInvalidationBus.connect({ url: userUrl(WRONG_PASSWORD) });
      closers.push(() => bus.close());
      // Until the first login attempt has been refused, a publish can only say that Redis is not connected.
      let refusal: unknown;
      for (let attempt = 0; attempt < 200; attempt += 1) {
        refusal = await bus.publish({ origin: 'x', kind: 'all' }).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (refusal instanceof Error && /refused the login/.test(refusal.message)) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.ok(refusal instanceof StoreError, String(refusal));
      assert.match(refusal.message, /publish failed: Redis refused the login.*WRONGPASS/);
      assert.ok(!refusal.message.includes(WRONG_PASSWORD), refusal.message);
    });
  });

  describe('CacheEngine with redisPassword', () => {
    let fake: FakeAnthropic;
    let root: string;

    before(async () => {
      fake = await startFakeAnthropic();
    });

    after(async () => {
      await fake.close();
    });

    beforeEach(async () => {
      root = await mkdtemp(join(tmpdir(), 'redis-auth-'));
      await mkdir(join(root, 'workspace'));
    });

    afterEach(async () => {
      await rm(root, { recursive: true, force: true });
    });

    async function runOnce(password: string, keyPrefix: string, lines: string[]): Promise<void> {
      const { config, problems } = resolveConfig(
        objectReader({ apiBaseUrl: fake.url, storageDir: join(root, 'storage'), 'redis.url': url(USER), 'redis.keyPrefix': keyPrefix }),
      );
      assert.deepEqual(problems, []);
      const logger = createLogger((level, line) => lines.push(`${level} ${line}`));
      const engine = await CacheEngine.open({ config, apiKey: 'test-key', redisPassword: password, logger });
      try {
        const result = await engine.pipeline.run({ workflow: 'explain-selection', workspace: join(root, 'workspace'), selection: 'const x = 1;' });
        assert.equal(result.cached, false);
      } finally {
        await engine.close();
      }
    }

    it('puts the password into the Redis URL of the ACL user named in settings, and the answer lands in Redis', async () => {
      const lines: string[] = [];
      await runOnce(USER_PASSWORD, 'engine-auth:', lines);
      const keys = await (await admin()).keys('engine-auth:*');
      assert.ok(keys.some((key) => key.startsWith('engine-auth:result:')), keys.join(', '));
      assert.ok(!lines.join('\n').includes(USER_PASSWORD));
    });

    it('with a wrong password still answers (from memory), writes nothing to Redis and never logs the password', async () => {
      const lines: string[] = [];
      await runOnce(WRONG_PASSWORD, 'engine-wrong:', lines);
      assert.deepEqual(await (await admin()).keys('engine-wrong:*'), []);
      const log = lines.join('\n');
      assert.ok(!log.includes(WRONG_PASSWORD), log);
      assert.ok(!log.includes(encodeURIComponent(WRONG_PASSWORD)), log);
    });
  });
});
