import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { decodeValue, encodeValue } from '../../src/core/codec';
import { StoreError } from '../../src/core/errors';
import { MemoryStore } from '../../src/core/stores/memory/memoryStore';
import { TieredCache } from '../../src/core/tiered/tieredCache';
import { connectSurreal, type SurrealConnection } from '../../src/core/stores/surreal/surrealConnection';
import { SurrealAuthError } from '../../src/core/stores/surreal/surrealErrors';
import { ownerFilePath, readOwnerRecord } from '../../src/core/stores/surreal/shared/ownerRecord';
import { SurrealRpcRelay } from '../../src/core/stores/surreal/shared/rpcRelay';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import { startSurrealChild, type SurrealChild } from '../helpers/servers/surrealChildProcess';
import { sharedTiers } from '../helpers/sharedTiers';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const read = (record: { value: Uint8Array } | undefined): string | undefined =>
  record === undefined ? undefined : new TextDecoder().decode(record.value);
const TTL = { ttlMs: 600_000 };

/** Polls `check` until it returns true; fails the test when `limitMs` passes first. Returns the time it took. */
async function eventually(what: string, limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > limitMs) assert.fail(`${what}: not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('SurrealStore on a shared embedded directory', function () {
  this.timeout(60_000);
  let root: string;
  let directory: string;
  let url: string;
  const children: SurrealChild[] = [];
  const stores: SurrealStore[] = [];

  async function open(options: Partial<Parameters<typeof SurrealStore.open>[0]> = {}): Promise<SurrealStore> {
    const store = await SurrealStore.open({ url, cleanupIntervalMs: 0, ...options });
    stores.push(store);
    return store;
  }

  async function child(): Promise<SurrealChild> {
    const started = startSurrealChild(url);
    children.push(started);
    const ready = await started.ready;
    assert.equal(ready.ready, true, JSON.stringify(ready));
    return started;
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'claude-cache-shared-'));
    directory = join(root, 'surreal');
    url = `surrealkv://${directory}`;
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    for (const started of children.splice(0)) {
      started.process.kill('SIGKILL');
      await started.exited;
    }
    await rm(root, { recursive: true, force: true });
  });

  it('serves a second process through the one that holds the directory: both read and write one table', async () => {
    const owner = await child();
    assert.match(String((await owner.ask('reach')).reach), /owned by this process, relay on 127\.0\.0\.1:\d+/);
    const record = await readOwnerRecord(ownerFilePath(directory));
    assert.equal(record?.pid, owner.pid, 'the owner published itself');
    assert.equal((await stat(ownerFilePath(directory))).mode & 0o777, 0o600, 'only this user can read the token');

    const here = await open();
    assert.equal(here.servedBy, owner.pid);
    await here.set('result', 'from-here', text('written by the client'), TTL);
    assert.deepEqual(await owner.ask('get from-here'), { value: 'written by the client' });
    assert.deepEqual(await owner.ask('set from-owner written-by-the-owner'), { ok: true });
    assert.equal(read(await here.get('result', 'from-owner')), 'written-by-the-owner');
    assert.deepEqual((await here.keys('result')).sort(), ['from-here', 'from-owner']);
  });

  it('takes the directory over when its owner closes, keeps the data, and serves the next process', async () => {
    const owner = await child();
    const here = await open();
    await here.set('result', 'kept', text('across owners'), TTL);
    assert.deepEqual(await owner.ask('close'), { closed: true });
    assert.equal(await owner.exited, 0);

    const tookMs = await eventually('this process becomes the owner', 15_000, async () => here.reach.startsWith('shared, owned by this process'));
    process.stdout.write(`      (took over ${tookMs} ms after the owner closed)\n`);
    assert.equal(here.servedBy, undefined);
    assert.equal(read(await here.get('result', 'kept')), 'across owners');
    assert.equal((await readOwnerRecord(ownerFilePath(directory)))?.pid, process.pid);

    const next = await child();
    assert.equal((await next.ask('reach')).servedBy, process.pid, 'a new process is served by the new owner');
    assert.deepEqual(await next.ask('get kept'), { value: 'across owners' });
  });

  it('takes over from an owner killed with SIGKILL, failing fast with StoreError meanwhile', async () => {
    const owner = await child();
    const here = await open();
    await here.set('result', 'before', text('the kill'), TTL);
    owner.process.kill('SIGKILL');
    await owner.exited;
    let refusals = 0;
    const tookMs = await eventually('queries work again', 15_000, async () => {
      try {
        await here.set('result', 'after', text('the takeover'), TTL);
        return true;
      } catch (error) {
        assert.ok(error instanceof StoreError, String(error));
        refusals++;
        return false;
      }
    });
    process.stdout.write(`      (took over ${tookMs} ms after the owner was killed; ${refusals} queries refused meanwhile)\n`);
    assert.match(here.reach, /owned by this process/);
    assert.equal(read(await here.get('result', 'before')), 'the kill');
    assert.equal(read(await here.get('result', 'after')), 'the takeover');
  });

  it('starts normally over the owner file and LOCK a killed owner left behind, and over a garbage owner file', async () => {
    const owner = await child();
    assert.deepEqual(await owner.ask('set left written-before-the-kill'), { ok: true });
    owner.process.kill('SIGKILL');
    await owner.exited;
    assert.equal((await readOwnerRecord(ownerFilePath(directory)))?.pid, owner.pid, 'the dead owner file is still there');
    await stat(join(directory, 'LOCK'));

    const here = await open();
    assert.match(here.reach, /owned by this process/);
    assert.equal(read(await here.get('result', 'left')), 'written-before-the-kill');
    await here.close();

    await writeFile(ownerFilePath(directory), '{"pid": "nope", garbage');
    const again = await open();
    assert.match(again.reach, /owned by this process/);
    assert.equal(read(await again.get('result', 'left')), 'written-before-the-kill');
  });

  it('reopens in this process while the previous store is still closing, instead of refusing', async () => {
    const first = await open();
    await first.set('result', 'k', text('kept'), TTL);
    const closing = first.close();
    const second = await open();
    await closing;
    assert.match(second.reach, /owned by this process/);
    assert.equal(read(await second.get('result', 'k')), 'kept');
  });

  it('with keepLooking, opens while another process holds the directory without sharing it, and uses it once free', async () => {
    const holder = spawn(
      process.execPath,
      ['--input-type=module', '-e', `
        const { Surreal } = await import('surrealdb');
        const { createNodeEngines } = await import('@surrealdb/node');
        const db = new Surreal({ engines: createNodeEngines() });
        await db.connect(${JSON.stringify(url)});
        process.stdout.write('holding');
        setInterval(() => {}, 1000);
      `],
      { cwd: dirname(require.resolve('surrealdb')), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const holderExited = new Promise((resolve) => holder.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (code) => reject(new Error(`holder exited early with ${code}`)));
      });
      const here = await open({ keepLooking: true, connectTimeoutMs: 500 });
      assert.equal(here.waiting, true);
      assert.match(here.reach, /looking for an owner/);
      await assert.rejects(here.get('result', 'k'), (error: unknown) => error instanceof StoreError && /another process holds its lock/.test(error.message));
      holder.kill('SIGKILL');
      await holderExited;
      const tookMs = await eventually('the directory is used once free', 15_000, async () => {
        await here.set('result', 'k', text('once free'), TTL);
        return true;
      });
      process.stdout.write(`      (in use ${tookMs} ms after the holder went)\n`);
      assert.equal(here.waiting, false);
      assert.equal(read(await here.get('result', 'k')), 'once free');
    } finally {
      holder.kill('SIGKILL');
      await holderExited;
    }
  });

  it('refuses a client with a wrong or missing access token with SurrealAuthError', async () => {
    const owner = await open();
    const port = (await readOwnerRecord(ownerFilePath(directory)))?.port;
    assert.ok(port && owner.reach.includes(`:${port}`));
    const wrong = { authorization: `Bearer ${'0'.repeat(64)}` };
    for (const webSocketHeaders of [wrong, undefined]) {
      await assert.rejects(
        SurrealStore.open({ url: `ws://127.0.0.1:${port}`, connectTimeoutMs: 3_000, ...(webSocketHeaders ? { webSocketHeaders } : {}) }),
        (error: unknown) => error instanceof SurrealAuthError && /refused the access token/.test(error.message),
      );
    }
  });

  it('refuses a sign-in through the owner with SurrealAuthError: the token is the only credential', async () => {
    await open();
    const record = await readOwnerRecord(ownerFilePath(directory));
    await assert.rejects(
      SurrealStore.open({
        url: `ws://127.0.0.1:${record?.port}`,
        webSocketHeaders: { authorization: `Bearer ${record?.token}` },
        username: 'root',
        password: 'not-the-password',
        connectTimeoutMs: 3_000,
      }),
      (error: unknown) => error instanceof SurrealAuthError && /sign-in/.test(error.message) && !/not-the-password/.test(error.message),
    );
  });

  it('lets many clients share one table, each in a session of its own', async () => {
    const owner = await open();
    const record = await readOwnerRecord(ownerFilePath(directory));
    const relay = { url: `ws://127.0.0.1:${record?.port}`, webSocketHeaders: { authorization: `Bearer ${record?.token}` } };
    const clients = await Promise.all(Array.from({ length: 8 }, () => open(relay)));
    const keys = clients.flatMap((_, i) => Array.from({ length: 10 }, (__, j) => `c${i}-k${j}`));
    await Promise.all(
      clients.map((client, i) =>
        client.setMany('result', Array.from({ length: 10 }, (_, j) => ({ key: `c${i}-k${j}`, value: text(`v${i}.${j}`), ttlMs: 600_000 }))),
      ),
    );
    for (const client of clients) {
      const values = (await client.getMany('result', keys)).map(read);
      assert.deepEqual(values, keys.map((key) => `v${key.slice(1).replace('-k', '.')}`));
    }
    assert.equal((await owner.usage('result')).entries, 80);

    const elsewhere = await open({ ...relay, database: 'elsewhere' });
    assert.equal((await elsewhere.usage('result')).entries, 0, 'its own database');
    assert.equal((await clients[0]?.usage('result'))?.entries, 80, 'the others still use theirs');
    assert.equal((await owner.usage('result')).entries, 80, 'and so does the owner');
  });
});

describe('SurrealRpcRelay', function () {
  this.timeout(30_000);
  let embedded: SurrealConnection;
  const token = 'a'.repeat(64);
  const stores: SurrealStore[] = [];
  const relays: SurrealRpcRelay[] = [];

  before(async () => {
    embedded = await connectSurreal({ url: 'mem://', namespace: 'cache', database: 'cache', connectTimeoutMs: 5_000 });
  });

  after(async () => {
    await embedded.db.close();
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    for (const relay of relays.splice(0)) await relay.close();
  });

  async function start(port?: number): Promise<SurrealRpcRelay> {
    assert.ok(embedded.rpc, 'an embedded connection offers its RPC entry point');
    const relay = await SurrealRpcRelay.start({ rpc: embedded.rpc, token, ...(port ? { port } : {}) });
    relays.push(relay);
    return relay;
  }

  async function client(port: number): Promise<SurrealStore> {
    const store = await SurrealStore.open({
      url: `ws://127.0.0.1:${port}`,
      webSocketHeaders: { authorization: `Bearer ${token}` },
      cleanupIntervalMs: 0,
      connectTimeoutMs: 3_000,
    });
    stores.push(store);
    return store;
  }

  it('is a SurrealDB server to the SDK: a ws:// store that loses it fails fast, and recovers with its session when it is back', async () => {
    const first = await start();
    const store = await client(first.port);
    assert.equal(store.reach, 'server');
    await store.set('prompt', 'p', text('before the outage'), TTL);
    await first.close();
    await eventually('queries fail while the server is gone', 5_000, async () => {
      try {
        await store.get('prompt', 'p');
        return false;
      } catch (error) {
        return error instanceof StoreError;
      }
    });
    await start(first.port);
    const tookMs = await eventually('the store answers again', 15_000, async () => read(await store.get('prompt', 'p')) === 'before the outage');
    process.stdout.write(`      (reconnected ${tookMs} ms after the server came back)\n`);
  });

  it('keeps the tiered cache running while the server is gone: the tier degrades, then comes back up by itself', async () => {
    const first = await start();
    const store = await client(first.port);
    const clock = new ManualClock();
    const policy = { ttlMs: 600_000, maxEntryBytes: 1_000_000 };
    const cache = await TieredCache.create({
      memory: new MemoryStore({ budgets: { prompt: 1e6, module: 1e6, context: 1e6, result: 1e6 }, clock }),
      shared: sharedTiers({ surreal: store, surrealShared: true }),
      codec: { encode: encodeValue, decode: decodeValue },
      layers: { prompt: policy, module: policy, context: policy, result: policy },
      clock,
      tierTimeoutMs: 2_000,
      breaker: { threshold: 1, cooldownMs: 1_000 },
    });
    const statuses: string[] = [];
    cache.events.on('tierStatus', ({ tier, status }) => {
      if (tier === 'surreal') statuses.push(status);
    });
    try {
      await cache.set('result', 'before', 'stored while up');
      assert.equal(cache.tierStatus('surreal'), 'up');
      await first.close();
      let probe = 0;
      await eventually('the tier is degraded', 5_000, async () => {
        await cache.get('result', `absent-${probe++}`);
        return cache.tierStatus('surreal') !== 'up';
      });
      await cache.set('result', 'meanwhile', 'kept in memory');
      assert.equal((await cache.get('result', 'meanwhile'))?.value, 'kept in memory', 'the cache still answers');

      await start(first.port);
      await eventually('the tier is up again', 15_000, async () => {
        clock.advance(1_000);
        await cache.get('result', `absent-${probe++}`);
        return cache.tierStatus('surreal') === 'up';
      });
      assert.ok(statuses.some((status) => status !== 'up'), `went down first: ${statuses.join(' ')}`);
      assert.equal(statuses.at(-1), 'up');
      assert.ok(await store.get('result', 'before'), 'what was written before the outage is still there');
    } finally {
      await cache.close();
      stores.splice(stores.indexOf(store), 1);
    }
  });

  it('answers what it does not relay with errors, and closes on frames that are not CBOR', async () => {
    const relay = await start();
    const rpc = embedded.rpc;
    assert.ok(rpc);
    const { WebSocket } = await import('ws');
    const socket = new WebSocket(`ws://127.0.0.1:${relay.port}/rpc`, 'cbor', { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    assert.equal(relay.clients, 1);
    const answers: Array<Record<string, unknown>> = [];
    socket.on('message', (data: Buffer) => answers.push(rpc.decode(new Uint8Array(data)) as Record<string, unknown>));
    socket.send(rpc.encode({ id: '1', method: 'signin', params: [{ user: 'root', pass: 'root' }] }));
    socket.send(rpc.encode({ id: '2', method: 'query', params: ['RETURN 1'], session: 'mine' }));
    socket.send(rpc.encode({ method: 'query' }));
    socket.send(rpc.encode({ id: '4', method: 'use', params: ['cache', 'cache'] }));
    socket.send(rpc.encode({ id: '5', method: 'query', params: ['SELEC nonsense'] }));
    await eventually('five answers', 5_000, async () => answers.length === 5);
    const byId = new Map(answers.map((answer) => [answer.id, answer]));
    assert.match(String((byId.get('1')?.error as { message?: string }).message), /signin is not available/);
    assert.match(String((byId.get('2')?.error as { message?: string }).message), /sessions of your own/);
    assert.match(String((byId.get(undefined)?.error as { message?: string }).message), /needs an id and a method/);
    assert.ok(byId.get('4')?.result !== undefined && byId.get('4')?.error === undefined);
    assert.equal((byId.get('5')?.error as { kind?: string }).kind, 'Validation');

    const closed = new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));
    socket.send(Buffer.from([0xff, 0xff, 0xff]));
    assert.equal(await closed, 1003);
  });

  it('answers plain HTTP and other paths without upgrading', async () => {
    const relay = await start();
    const response = await fetch(`http://127.0.0.1:${relay.port}/rpc`);
    assert.equal(response.status, 426);
    const { WebSocket } = await import('ws');
    const status = await new Promise<number | undefined>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${relay.port}/elsewhere`, 'cbor', { headers: { authorization: `Bearer ${token}` } });
      socket.once('unexpected-response', (_request, reply) => resolve(reply.statusCode));
      socket.once('open', () => resolve(undefined));
      socket.once('error', () => undefined);
    });
    assert.equal(status, 404);
  });
});
