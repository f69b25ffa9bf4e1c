import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchivedAnswers } from '../../src/core/archive/archivedAnswers';
import { archivedAnswerText } from '../../src/core/archive/archivedAnswerText';
import { SurrealArchive } from '../../src/core/archive/surrealArchive';
import { ManualClock } from '../../src/core/clock';
import { decodeValue, encodeValue } from '../../src/core/codec';
import { DEFAULT_CONFIG } from '../../src/core/config';
import { LAYERS, type Layer } from '../../src/core/layers';
import type { CachedAnswer } from '../../src/core/pipeline';
import { MemoryStore } from '../../src/core/stores/memory/memoryStore';
import type { LeavingRowsKeeper } from '../../src/core/stores/surreal/leavingRowsKeeper';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import { TieredCache } from '../../src/core/tiered/tieredCache';
import type { LayerPolicy } from '../../src/core/tiered/tierTypes';
import { runCli } from '../../src/cli/main';
import { sharedTiers } from '../helpers/sharedTiers';
import { CacheEngine } from '../../src/core/engine';
import { testEngineConfig } from '../helpers/engineWorkspace';

const MINUTE = 60_000;
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('Archive of expired answers (SurrealDB)', () => {
  let clock: ManualClock;
  let store: SurrealStore;
  /** The archive the last store opened built on its connection. */
  let archive: SurrealArchive;

  async function open(options: Partial<Parameters<typeof SurrealStore.open>[0]> = {}): Promise<SurrealStore> {
    return SurrealStore.open({
      url: 'mem://',
      clock,
      cleanupIntervalMs: 0,
      keepLeavingRows: (run) => (archive = new SurrealArchive(run, { maxEntries: 3, clock })),
      ...options,
    });
  }

  beforeEach(async () => {
    clock = new ManualClock();
    store = await open();
  });

  afterEach(async () => {
    await store.close();
  });

  it('moves an expired result into the archive instead of losing it', async () => {
    await store.set('result', 'review-file:k1:aaaa', bytes(1, 2, 3), { ttlMs: 10 * MINUTE });
    clock.advance(10 * MINUTE);
    const cleaned = await store.cleanup();
    assert.equal(cleaned.expired, 1);
    const listed = await archive.list(10);
    assert.deepEqual(listed, [
      {
        layer: 'result',
        key: 'review-file:k1:aaaa',
        size: 3,
        createdAt: clock.now() - 10 * MINUTE,
        expiresAt: clock.now(),
        archivedAt: clock.now(),
        reason: 'expired',
      },
    ]);
    const archived = await archive.read('review-file:k1:aaaa');
    assert.deepEqual(archived?.value, bytes(1, 2, 3));
  });

  it('never returns an archived answer from a lookup', async () => {
    await store.set('result', 'k', bytes(9), { ttlMs: MINUTE });
    clock.advance(MINUTE);
    await store.cleanup();
    assert.equal(await archive.count(), 1);
    assert.equal(await store.get('result', 'k'), undefined);
    assert.deepEqual(await store.getMany('result', ['k']), [undefined]);
    assert.equal(await store.has('result', 'k'), false);
    assert.deepEqual(await store.keys('result'), []);
  });

  it('archives only the result layer', async () => {
    await store.set('prompt', 'p', bytes(1), { ttlMs: MINUTE });
    await store.set('context', 'c', bytes(1), { ttlMs: MINUTE });
    await store.set('result', 'r', bytes(1), { ttlMs: MINUTE });
    clock.advance(MINUTE);
    await store.cleanup();
    assert.deepEqual((await archive.list(10)).map((entry) => entry.key), ['r']);
  });

  it('keeps at most the configured number of archived answers, dropping the longest archived', async () => {
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      await store.set('result', key, bytes(1), { ttlMs: MINUTE });
      clock.advance(MINUTE);
      await store.cleanup();
    }
    assert.deepEqual((await archive.list(10)).map((entry) => entry.key), ['e', 'd', 'c']);
    assert.equal(await archive.count(), 3);
  });

  it('archives results that the maxEntries cap prunes, as evicted', async () => {
    await store.close();
    store = await open({ maxEntries: 2 });
    await store.set('result', 'old', bytes(1), { ttlMs: 60 * MINUTE });
    clock.advance(1);
    await store.set('prompt', 'older-prompt', bytes(1), { ttlMs: 60 * MINUTE });
    clock.advance(1);
    await store.set('result', 'new', bytes(1), { ttlMs: 60 * MINUTE });
    clock.advance(1);
    await store.set('result', 'newest', bytes(1), { ttlMs: 60 * MINUTE });
    await store.cleanup(); // the cap's own cleanups also run after writes; this one covers all of them
    assert.deepEqual((await store.keys('result')).sort(), ['new', 'newest']);
    const listed = await archive.list(10);
    assert.deepEqual(listed.map((entry) => [entry.key, entry.reason]), [['old', 'evicted']]);
    assert.equal(await store.get('result', 'old'), undefined);
  });

  it('keeps an answer that expires again once, as its latest copy', async () => {
    await store.set('result', 'k', bytes(1), { ttlMs: MINUTE });
    clock.advance(MINUTE);
    await store.cleanup();
    await store.set('result', 'k', bytes(2), { ttlMs: MINUTE });
    clock.advance(MINUTE);
    await store.cleanup();
    assert.equal(await archive.count(), 1);
    assert.deepEqual((await archive.read('k'))?.value, bytes(2));
  });

  it('answers undefined for a key that is not archived, and empties on clear', async () => {
    assert.equal(await archive.read('missing'), undefined);
    await store.set('result', 'k', bytes(1), { ttlMs: MINUTE });
    clock.advance(MINUTE);
    await store.cleanup();
    await archive.clear();
    assert.deepEqual(await archive.list(10), []);
  });

  it('keeps nothing when it is given no keeper, and tells a given keeper before rows leave', async () => {
    const plain = await SurrealStore.open({ url: 'mem://', clock, cleanupIntervalMs: 0 });
    assert.equal(plain.leavingRows, undefined);
    await plain.close();
    const told: string[] = [];
    const keeper: LeavingRowsKeeper = {
      keepExpired: async (now) => void told.push(`expired by ${now}`),
      keepOldest: async (excess) => void told.push(`${excess} oldest`),
    };
    const capped = await SurrealStore.open({ url: 'mem://', clock, cleanupIntervalMs: 0, maxEntries: 2, keepLeavingRows: () => keeper });
    try {
      assert.equal(capped.leavingRows, keeper);
      // Three rows over a cap of two: the write starts a pass (which prunes one), the call gets the next one.
      await capped.setMany('result', ['a', 'b', 'c'].map((key) => ({ key, value: bytes(1), ttlMs: MINUTE })));
      assert.deepEqual(await capped.cleanup(), { expired: 0, pruned: 0 });
      const now = clock.now();
      assert.deepEqual(told, [`expired by ${now}`, '1 oldest', `expired by ${now}`]);
    } finally {
      await capped.close();
    }
  });

  it('keeps its archive in an embedded directory across reopening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'claude-cache-archive-'));
    const url = `surrealkv://${join(dir, 'db')}`;
    try {
      let onDisk = await open({ url });
      await onDisk.set('result', 'k', bytes(4), { ttlMs: MINUTE });
      clock.advance(MINUTE);
      await onDisk.cleanup();
      await onDisk.close();
      onDisk = await open({ url });
      assert.deepEqual((await archive.read('k'))?.value, bytes(4));
      await onDisk.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Archived answers through the tiered cache', () => {
  const codec = { encode: encodeValue, decode: decodeValue };
  const answer: CachedAnswer = {
    text: 'The function adds two numbers.',
    model: 'claude-sonnet-5-5',
    stopReason: 'end_turn',
    usage: { inputTokens: 10, outputTokens: 5, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
    costUsd: 0.001,
    createdAt: 0,
  };

  /** An in-memory SurrealDB store whose cleanup keeps leaving rows in an archive of 10, and that archive's answers. */
  async function storeWithArchive(clock: ManualClock): Promise<{ surreal: SurrealStore; archived: ArchivedAnswers }> {
    let archive: SurrealArchive | undefined;
    const surreal = await SurrealStore.open({
      url: 'mem://',
      clock,
      cleanupIntervalMs: 0,
      keepLeavingRows: (run) => (archive = new SurrealArchive(run, { maxEntries: 10, clock })),
    });
    assert.ok(archive, 'the store built its keeper');
    return { surreal, archived: new ArchivedAnswers(archive, codec, () => surreal.cleanup()) };
  }

  it('is built by the engine on the SurrealDB tier when claudeCache.archive.maxEntries > 0, and not at 0', async () => {
    const clock = new ManualClock();
    const root = await mkdtemp(join(tmpdir(), 'claude-cache-archive-engine-'));
    const openWith = (maxEntries: number, folder: string) =>
      CacheEngine.open({ config: testEngineConfig('http://127.0.0.1:9', join(root, folder), { 'archive.maxEntries': maxEntries }), clock });
    const on = await openWith(3, 'on');
    const off = await openWith(0, 'off');
    try {
      assert.ok(on.archive, 'the archive is on');
      assert.equal(off.archive, undefined);
      await on.cache.set('result', 'explain-selection:k1:abcd', answer);
      clock.advance(on.config.layers.result.ttlSeconds * 1000 + 1);
      assert.deepEqual((await on.archive.list(10)).map((entry) => entry.key), ['explain-selection:k1:abcd']);
    } finally {
      await on.close();
      await off.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('are listed and opened after they expire, and never served by get or getOrCompute', async () => {
    const clock = new ManualClock();
    const { surreal, archived } = await storeWithArchive(clock);
    const policies = {} as Record<Layer, LayerPolicy>;
    for (const layer of LAYERS) policies[layer] = { ttlMs: 10 * MINUTE, maxEntryBytes: 1_000_000 };
    const memory = new MemoryStore({ budgets: { prompt: 1e6, module: 1e6, context: 1e6, result: 1e6 }, clock });
    const cache = await TieredCache.create({ memory, shared: sharedTiers({ surreal }), codec, layers: policies, clock });
    try {
      await cache.set('result', 'explain-selection:k1:abcd', answer);
      clock.advance(10 * MINUTE);
      const listed = await archived.list();
      assert.deepEqual(
        listed.map((entry) => [entry.workflow, entry.reason]),
        [['explain-selection', 'expired']],
      );
      const opened = await archived.open('explain-selection:k1:abcd');
      assert.equal(opened?.answer?.text, answer.text);
      assert.match(archivedAnswerText(opened!), /never served as a cache hit/);
      assert.equal(await cache.get('result', 'explain-selection:k1:abcd'), undefined);
      let computed = 0;
      const fresh = await cache.getOrCompute('result', 'explain-selection:k1:abcd', () => {
        computed++;
        return { ...answer, text: 'fresh' };
      });
      assert.equal(fresh.text, 'fresh');
      assert.equal(computed, 1, 'the archived answer did not stand in for a computation');
    } finally {
      await cache.close();
    }
  });

  it('reads undecodable archived bytes as an answer it cannot show, not as a failure', async () => {
    const clock = new ManualClock();
    const { surreal, archived } = await storeWithArchive(clock);
    try {
      await surreal.set('result', 'w:k1:bad', bytes(0xff, 0x00), { ttlMs: MINUTE });
      clock.advance(MINUTE);
      await archived.list();
      const opened = await archived.open('w:k1:bad');
      assert.equal(opened?.answer, undefined);
      assert.match(archivedAnswerText(opened!), /could not be read/);
      assert.equal(await archived.open('w:k1:missing'), undefined);
    } finally {
      await surreal.close();
    }
  });
});

describe('claude-cache archive', function () {
  this.timeout(30_000);
  let root: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'claude-cache-archive-cli-'));
    // An answer that expired an hour ago, written straight into the CLI's embedded SurrealDB.
    const past = new ManualClock(Date.now() - 2 * 60 * MINUTE);
    const store = await SurrealStore.open({ url: `surrealkv://${join(root, 'storage', 'surreal')}`, clock: past, cleanupIntervalMs: 0, namespace: DEFAULT_CONFIG.surreal.namespace, database: DEFAULT_CONFIG.surreal.database });
    await store.set('result', 'review-file:k1:feed', encodeValue({ text: 'Looks fine.', model: 'm', createdAt: 0 }), { ttlMs: 60 * MINUTE });
    await store.close();
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: { CLAUDE_CACHE_STORAGE_DIR: join(root, 'storage'), HOME: root },
      cwd: root,
    });
    return { code, stdout, stderr };
  }

  it('lists expired answers as JSON, then prints one, marked as archived', async () => {
    const listed = await cli(['archive', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const { entries } = JSON.parse(listed.stdout) as { entries: Array<{ key: string; workflow: string; reason: string }> };
    assert.deepEqual(entries.map((entry) => [entry.key, entry.workflow, entry.reason]), [['review-file:k1:feed', 'review-file', 'expired']]);
    const table = await cli(['archive']);
    assert.match(table.stdout, /review-file\s+expired/);
    const shown = await cli(['archive', 'review-file:k1:feed']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /# Archived answer: review-file/);
    assert.match(shown.stdout, /Looks fine\./);
    const missing = await cli(['archive', 'nope:k1:0']);
    assert.equal(missing.code, 1);
    assert.equal((await cli(['archive', '--limit', 'x'])).code, 2);
  });
});
