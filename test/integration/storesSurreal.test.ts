import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open as fsOpen, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { CacheClosedError, StoreError } from '../../src/core/errors';
import { LAYERS } from '../../src/core/layers';
import { waitForDirectoryRelease } from '../../src/core/stores/surreal/directoryRelease';
import { defineIndexesInChildProcess } from '../../src/core/stores/surreal/surrealIndexProcess';
import { SurrealDirectoryBusyError, SurrealUnreachableError } from '../../src/core/stores/surreal/surrealErrors';
import type { SurrealTableExtension } from '../../src/core/stores/surreal/surrealSchema';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import { freePort } from '../../tools/common/freePort';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);


/** Another Node process that opens an embedded directory and holds it until killed. */
async function holdInAnotherProcess(url: string): Promise<ChildProcess> {
  const script = `
    const { Surreal } = await import('surrealdb');
    const { createNodeEngines } = await import('@surrealdb/node');
    const db = new Surreal({ engines: createNodeEngines() });
    await db.connect(process.env.HOLD_URL);
    process.stdout.write('holding');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dirname(require.resolve('surrealdb')),
    env: { ...process.env, HOLD_URL: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`holder exited early with ${code}`)));
  });
  return child;
}

describe('SurrealStore, embedded', () => {
  let dir: string;
  let clock: ManualClock;
  const opened: SurrealStore[] = [];

  async function open(url: string, options: Partial<Parameters<typeof SurrealStore.open>[0]> = {}) {
    const store = await SurrealStore.open({ url, clock, ...options });
    opened.push(store);
    return store;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'claude-cache-surreal-'));
  });

  beforeEach(() => {
    clock = new ManualClock();
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps its data across close() and a reopen of the same directory in this process', async () => {
    const url = `surrealkv://${join(dir, 'persist')}`;
    const first = await open(url);
    assert.equal(first.embedded, true);
    await first.set('result', 'kept:1', bytes(1, 2, 3), { ttlMs: 60_000 });
    await first.setMany('module', [{ key: 'kept:2', value: bytes(4), ttlMs: 60_000 }]);
    await first.close();

    const second = await open(url);
    assert.deepEqual([...((await second.get('result', 'kept:1'))?.value ?? [])], [1, 2, 3]);
    await second.delete('result', 'kept:1');
    await second.close();

    const third = await open(url);
    assert.equal(await third.get('result', 'kept:1'), undefined, 'the delete persisted too');
    assert.ok(await third.get('module', 'kept:2'));
  });

  it('refuses a second open of a directory this process already has open', async () => {
    const url = `surrealkv://${join(dir, 'twice')}`;
    await open(url);
    await assert.rejects(
      SurrealStore.open({ url: `${url}/`, clock }),
      (error: unknown) => error instanceof StoreError && /already open in this process/.test(error.message),
    );
  });

  it('rejects with SurrealDirectoryBusyError when another process holds the directory without sharing it', async () => {
    const url = `surrealkv://${join(dir, 'held')}`;
    const holder = await holdInAnotherProcess(url);
    try {
      await assert.rejects(
        SurrealStore.open({ url, clock, connectTimeoutMs: 1_500 }),
        (error: unknown) => error instanceof SurrealDirectoryBusyError && /another process/.test(error.message),
      );
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('deletes expired rows in a cleanup pass, not just hides them', async () => {
    const store = await open(`surrealkv://${join(dir, 'cleanup')}`);
    const start = clock.now();
    await store.set('context', 'short', bytes(1), { ttlMs: 10 });
    await store.set('context', 'long', bytes(2), { ttlMs: 10_000 });
    clock.advance(100);
    assert.deepEqual(await store.cleanup(), { expired: 1, pruned: 0 });
    clock.set(start);
    assert.equal(await store.get('context', 'short'), undefined, 'gone even with the clock turned back');
    assert.ok(await store.get('context', 'long'));
  });

  it('runs cleanup on its timer until closed', async () => {
    let passes = 0;
    // Every pass tells the keeper of leaving rows first, which makes it a count of passes.
    const countPasses = { keepExpired: async () => void passes++, keepOldest: async () => undefined };
    const store = await open('mem://', { cleanupIntervalMs: 10, keepLeavingRows: () => countPasses });
    const deadline = Date.now() + 5_000;
    while (passes < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(passes >= 2, `the timer ran cleanup (${passes} passes)`);
    await store.close();
    const afterClose = passes;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(passes, afterClose, 'no pass after close');
    await assert.rejects(store.cleanup(), CacheClosedError);
  });

  it('keeps at most maxEntries rows, pruning the oldest first across layers', async () => {
    const store = await open(`surrealkv://${join(dir, 'cap')}`, { maxEntries: 3 });
    for (const [index, layer] of ['prompt', 'module', 'context', 'result', 'prompt'].entries()) {
      await store.set(layer as (typeof LAYERS)[number], `cap:${index}`, bytes(index), { ttlMs: 60_000 });
      clock.advance(10);
    }
    await store.cleanup();
    const remaining: string[] = [];
    for (const layer of LAYERS) remaining.push(...(await store.keys(layer)));
    assert.deepEqual(remaining.sort(), ['cap:2', 'cap:3', 'cap:4']);
  });

  it('applies the cap after a batch written with setMany', async () => {
    const store = await open('mem://', { maxEntries: 2 });
    await store.setMany(
      'result',
      ['a', 'b', 'c', 'd'].map((key) => ({ key, value: bytes(1), ttlMs: 60_000 })),
    );
    clock.advance(10);
    await store.set('result', 'newest', bytes(2), { ttlMs: 60_000 });
    await store.cleanup();
    const kept = await store.keys('result');
    assert.equal(kept.length, 2);
    assert.ok(kept.includes('newest'));
  });

  it('gives every mem:// store a database of its own that goes with close()', async () => {
    const a = await open('mem://');
    const b = await open('mem://');
    assert.equal(a.embedded, true);
    await a.set('prompt', 'only:a', bytes(1), { ttlMs: 60_000 });
    assert.equal(await b.get('prompt', 'only:a'), undefined);
    await a.close();
    const again = await open('mem://');
    assert.equal(await again.get('prompt', 'only:a'), undefined);
  });

  it('keeps keys made of every safe character apart and intact (values are bound, never spliced)', async () => {
    const store = await open('mem://');
    const keys = ['a:b', 'a.b', 'a-b', 'a_b', 'A:B:0.9-x_y'];
    for (const [index, key] of keys.entries()) await store.set('module', key, bytes(index), { ttlMs: 60_000 });
    const found = await store.getMany('module', keys);
    assert.deepEqual(
      found.map((record) => record?.value[0]),
      keys.map((_, index) => index),
    );
  });

  it('defines the fields and indexes of the table extensions it is given, beside its own', async () => {
    const note: SurrealTableExtension = {
      definitions: 'DEFINE FIELD IF NOT EXISTS note ON cache_entry TYPE option<string>;',
      indexes: { cache_entry_note: 'DEFINE INDEX IF NOT EXISTS cache_entry_note ON cache_entry FIELDS note' },
    };
    // A shared directory, as the extension opens it: its owner defines the table, a child process the indexes.
    const store = await open(`surrealkv://${join(dir, 'extended')}`, { tableExtensions: [note] });
    const [info] = await store.query<[{ fields: Record<string, unknown>; indexes: Record<string, unknown> }]>('INFO FOR TABLE cache_entry', {});
    assert.ok(info.fields.note, 'the extension field is defined');
    assert.equal(info.fields.prompt, undefined, 'and no field of an extension it was not given');
    assert.deepEqual(Object.keys(info.indexes).sort(), ['cache_entry_expires_at', 'cache_entry_layer', 'cache_entry_note']);
  });
});

describe('SurrealStore failures', () => {
  const memSpec = { url: 'mem://', namespace: 'n', database: 'd' };

  it('wraps a query the database refuses in StoreError', async () => {
    const store = await SurrealStore.open({ url: 'mem://' });
    try {
      await assert.rejects(
        store.set('prompt', 'k', 'not bytes' as unknown as Uint8Array, { ttlMs: 1_000 }),
        (error: unknown) => error instanceof StoreError && error.tier === 'surreal',
      );
    } finally {
      await store.close();
    }
  });

  it('reports index statements the child process cannot run', async () => {
    await assert.rejects(
      defineIndexesInChildProcess({ ...memSpec, statements: ['DEFINE NONSENSE'], timeoutMs: 20_000 }),
      (error: unknown) => error instanceof StoreError && /exit code 1/.test(error.message),
    );
  });

  it('gives up on an index child process that does not finish in time', async () => {
    await assert.rejects(
      defineIndexesInChildProcess({ ...memSpec, statements: ['RETURN 1'], timeoutMs: 1 }),
      (error: unknown) => error instanceof StoreError && /no answer within 1 ms/.test(error.message),
    );
  });
});

describe('waitForDirectoryRelease', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'claude-cache-release-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves at once for a directory that does not exist', async () => {
    await waitForDirectoryRelease(join(dir, 'missing'));
  });

  it('waits while this process holds the LOCK file open, and resolves once it is closed', async () => {
    const lock = await fsOpen(join(dir, 'LOCK'), 'w');
    let released = false;
    const waiting = waitForDirectoryRelease(dir).then(() => {
      released = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(released, process.platform !== 'linux', 'on Linux it sees the open LOCK file');
    await lock.close();
    await waiting;
  });
});

describe('SurrealStore, remote', () => {
  it('rejects a server that does not answer with SurrealUnreachableError, signing in or not', async () => {
    const port = await freePort();
    await assert.rejects(SurrealStore.open({ url: `http://127.0.0.1:${port}`, connectTimeoutMs: 2_000 }), SurrealUnreachableError);
    await assert.rejects(
      SurrealStore.open({
        url: `http://127.0.0.1:${port}`,
        username: 'root',
        password: 'secret',
        namespace: 'team',
        database: 'cache',
        connectTimeoutMs: 2_000,
      }),
      (error: unknown) => error instanceof SurrealUnreachableError && !/secret/.test(error.message),
    );
  });

  it('reaches ws:// through the ws package on a Node.js without WebSocket, and names a closed port unreachable', async () => {
    const port = await freePort();
    await assert.rejects(
      SurrealStore.open({ url: `ws://127.0.0.1:${port}`, connectTimeoutMs: 2_000 }),
      (error: unknown) => error instanceof SurrealUnreachableError && /ECONNREFUSED/.test(error.message),
    );
  });
});
