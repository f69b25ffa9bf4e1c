import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import { StoreError } from '../../src/core/errors';
import { RedisInvalidationBus } from '../../src/core/stores/redis/redisInvalidationBus';
import { RedisStore } from '../../src/core/stores/redis/redisStore';
import { redisUrlWithPassword } from '../../src/core/stores/redis/redisUrl';
import type { InvalidationMessage } from '../../src/core/tiered/invalidationBus';
import { startAuthRedisServer, type AuthRedisServer } from '../helpers/servers/authRedisServer';

const PASSWORD = 'tls-pw-5be1';

/** A throwaway CA and a certificate for 127.0.0.1 signed by it, made with openssl. */
function makeCertificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=claude-cache test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\n' > '${file('ext.cnf')}'`]);
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.crt'), '-days', '2', '-extfile', file('ext.cnf'));
  return { caFile: file('ca.crt'), certFile: file('server.crt'), keyFile: file('server.key') };
}

describe('Redis over TLS (rediss://) with a private CA', function () {
  this.timeout(60_000);
  let dir: string;
  let server: AuthRedisServer;
  let ca: string;
  let caFile: string;
  const url = () => redisUrlWithPassword(`rediss://cache@127.0.0.1:${server.port}`, PASSWORD);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redis-tls-'));
    const certificates = makeCertificates(dir);
    caFile = certificates.caFile;
    ca = await readFile(caFile, 'utf8');
    server = await startAuthRedisServer({ requirePass: 'root-pw', users: { cache: PASSWORD }, tls: certificates });
  });

  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('connects a RedisStore that trusts the CA and reads back what it wrote', async () => {
    const store = await RedisStore.connect({ url: url(), tlsCa: ca, keyPrefix: 'tls-test:' });
    try {
      await store.set('prompt', 'k', new Uint8Array([7]), { ttlMs: 60_000 });
      assert.deepEqual((await store.get('prompt', 'k'))?.value, new Uint8Array([7]));
    } finally {
      await store.close();
    }
  });

  it('refuses a server whose certificate does not chain to a trusted CA', async () => {
    await assert.rejects(RedisStore.connect({ url: url(), connectTimeoutMs: 5_000 }), (error: unknown) => {
      assert.ok(error instanceof StoreError, String(error));
      assert.match(error.message, /certificate/i);
      assert.ok(!error.message.includes(PASSWORD), error.message);
      return true;
    });
  });

  it('carries an invalidation between two buses over TLS', async () => {
    const options = { url: url(), tlsCa: ca, keyPrefix: 'tls-test:' };
    const [sender, receiver] = await Promise.all([RedisInvalidationBus.connect(options), RedisInvalidationBus.connect(options)]);
    const sending: { timer?: NodeJS.Timeout } = {};
    try {
      const heard = new Promise<InvalidationMessage>((resolve) => void receiver.subscribe(resolve));
      const message: InvalidationMessage = { origin: 'other', kind: 'layer', layer: 'module' };
      // The receiver may still be subscribing: repeat until it hears one.
      sending.timer = setInterval(() => void sender.publish(message).catch(() => undefined), 50);
      assert.deepEqual(await heard, message);
    } finally {
      clearInterval(sending.timer);
      await Promise.all([sender.close(), receiver.close()]);
    }
  });

  it('lets the engine reach it with the redis.caFile setting and redisPassword; an unreadable CA file (the CLI override) fails the tier', async () => {
    const configFor = (storage: string) => {
      const { config, problems } = resolveConfig(
        objectReader({
          storageDir: join(dir, storage),
          'redis.url': `rediss://cache@127.0.0.1:${server.port}`,
          'redis.caFile': caFile,
        }),
      );
      assert.deepEqual(problems, []);
      return config;
    };
    const engine = await CacheEngine.open({ config: configFor('a'), redisPassword: PASSWORD });
    const probe = await RedisStore.connect({ url: url(), tlsCa: ca });
    try {
      // The engine connects in the background: write until the entry shows up in Redis (the suite's timeout
      // fails the test if it never does).
      for (;;) {
        await engine.cache.set('prompt', 'tls-probe', 'hello').catch(() => undefined);
        if ((await probe.get('prompt', 'tls-probe')) !== undefined) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await Promise.all([engine.close(), probe.close()]);
    }
    const missing = join(dir, 'no-such-ca.crt');
    const broken = await CacheEngine.open({ config: configFor('b'), redisPassword: PASSWORD, redisCaFile: missing });
    try {
      const opening = broken.openings.find((candidate) => candidate.tier === 'redis');
      assert.equal(opening?.status, 'failed');
      assert.match(opening?.detail ?? '', /cannot read the Redis CA file .*no-such-ca\.crt/);
      assert.ok(!(opening?.detail ?? '').includes(PASSWORD));
    } finally {
      await broken.close();
    }
  });
});
