import assert from 'node:assert/strict';
import { ManualClock } from '../../../../../src/core/clock';
import { CacheClosedError, ConfigError } from '../../../../../src/core/errors';
import type { Layer } from '../../../../../src/core/layers';
import { estimateSize } from '../../../../../src/core/stores/memory/estimateSize';
import { MemoryStore, type MemoryEvictionReason } from '../../../../../src/core/stores/memory/memoryStore';
import { budgets } from '../../../../helpers/layerBudgets';

describe('MemoryStore', () => {
  let clock: ManualClock;
  let departures: Array<[Layer, string, MemoryEvictionReason]>;
  let store: MemoryStore;

  beforeEach(() => {
    clock = new ManualClock();
    departures = [];
    store = new MemoryStore({
      budgets: budgets(1_000),
      clock,
      onEvict: (layer, key, reason) => departures.push([layer, key, reason]),
    });
  });

  afterEach(async () => {
    await store.close();
  });

  it('hands back the very object it was given (no copy, no serialization)', () => {
    const value = { nested: ['a'] };
    store.setSync('result', 'k', value, { ttlMs: 1_000, size: 10 });
    assert.equal(store.getSync('result', 'k')?.value, value);
  });

  it('stamps createdAt and expiresAt from the injected clock', () => {
    store.setSync('prompt', 'k', 'v', { ttlMs: 500, size: 1 });
    const record = store.getSync('prompt', 'k');
    assert.equal(record?.createdAt, clock.now());
    assert.equal(record?.expiresAt, clock.now() + 500);
  });

  it('treats an entry as absent once expiresAt is reached, and reports it as expired', () => {
    store.setSync('prompt', 'k', 'v', { ttlMs: 500, size: 1 });
    clock.advance(499);
    assert.ok(store.getSync('prompt', 'k'));
    clock.advance(1);
    assert.equal(store.getSync('prompt', 'k'), undefined);
    assert.deepEqual(departures, [['prompt', 'k', 'expire']]);
  });

  it('counts hits per entry and reports them in entries()', async () => {
    store.setSync('module', 'k', 'v', { ttlMs: 1_000, size: 1 });
    store.getSync('module', 'k');
    store.getSync('module', 'k');
    await store.get('module', 'k');
    assert.equal((await store.entries('module', 10))[0]?.hits, 3);
  });

  it('does not count has() as a hit', async () => {
    store.setSync('module', 'k', 'v', { ttlMs: 1_000, size: 1 });
    assert.equal(await store.has('module', 'k'), true);
    assert.equal((await store.entries('module', 10))[0]?.hits, 0);
  });

  it('evicts least recently used entries to stay within the layer budget and counts them', async () => {
    for (const key of ['a', 'b', 'c']) store.setSync('context', key, key, { ttlMs: 1_000, size: 400 });
    assert.equal(store.getSync('context', 'a'), undefined, 'a was the least recently used');
    assert.equal(store.evictions('context'), 1);
    assert.equal(store.evictions('prompt'), 0);
    assert.deepEqual(departures, [['context', 'a', 'evict']]);
    assert.deepEqual((await store.usage('context')).bytes, 800);
  });

  it('keeps a recently read entry over an older unread one', () => {
    store.setSync('context', 'a', 'a', { ttlMs: 1_000, size: 400 });
    store.setSync('context', 'b', 'b', { ttlMs: 1_000, size: 400 });
    store.getSync('context', 'a');
    store.setSync('context', 'c', 'c', { ttlMs: 1_000, size: 400 });
    assert.ok(store.getSync('context', 'a'));
    assert.equal(store.getSync('context', 'b'), undefined);
  });

  it('does not store a value larger than the layer budget, drops the older value, and does not throw', () => {
    store.setSync('result', 'k', 'small', { ttlMs: 1_000, size: 10 });
    store.setSync('result', 'k', 'huge', { ttlMs: 1_000, size: 1_001 });
    assert.equal(store.getSync('result', 'k'), undefined);
  });

  it('reports a replaced value as departed by set', () => {
    store.setSync('result', 'k', 'one', { ttlMs: 1_000, size: 1 });
    store.setSync('result', 'k', 'two', { ttlMs: 1_000, size: 1 });
    assert.deepEqual(departures, [['result', 'k', 'set']]);
    assert.equal(store.getSync('result', 'k')?.value, 'two');
  });

  it('estimates the size of a value written without one', async () => {
    store.setSync('prompt', 'text', 'abcd', { ttlMs: 1_000 });
    store.setSync('prompt', 'bytes', new Uint8Array(7), { ttlMs: 1_000 });
    assert.equal((await store.usage('prompt')).bytes, 8 + 7);
  });

  it('stores nothing in a layer whose budget is 0', () => {
    const disabled = new MemoryStore({ budgets: budgets(1_000, { module: 0 }), clock });
    disabled.setSync('module', 'k', 'v', { ttlMs: 1_000, size: 1 });
    assert.equal(disabled.getSync('module', 'k'), undefined);
    assert.equal(disabled.budget('module'), 0);
  });

  it('refuses a negative or non-finite budget with ConfigError', () => {
    assert.throws(() => new MemoryStore({ budgets: budgets(1_000, { prompt: -1 }) }), ConfigError);
    assert.throws(() => store.resize(budgets(Number.NaN)), ConfigError);
  });

  describe('resize', () => {
    it('shrinks a layer at once, evicting the least recently used entries that no longer fit', () => {
      for (const key of ['a', 'b']) store.setSync('result', key, key, { ttlMs: 1_000, size: 400 });
      store.getSync('result', 'a');
      store.resize(budgets(1_000, { result: 500 }));
      assert.equal(store.budget('result'), 500);
      assert.ok(store.getSync('result', 'a'), 'the recently used entry stays');
      assert.equal(store.getSync('result', 'b'), undefined);
      assert.equal(store.evictions('result'), 1);
      assert.deepEqual(departures, [['result', 'b', 'evict']]);
    });

    it('evicts entries larger than the new budget', () => {
      store.setSync('result', 'big', 'x', { ttlMs: 1_000, size: 600 });
      store.resize(budgets(1_000, { result: 500 }));
      assert.equal(store.getSync('result', 'big'), undefined);
      assert.equal(store.evictions('result'), 1);
    });

    it('grows a layer and keeps its entries, their timestamps and hit counts', async () => {
      store.setSync('prompt', 'k', 'v', { ttlMs: 1_000, size: 400 });
      store.getSync('prompt', 'k');
      store.resize(budgets(1_000, { prompt: 2_000 }));
      for (const key of ['x', 'y', 'z']) store.setSync('prompt', key, key, { ttlMs: 1_000, size: 400 });
      assert.ok(store.getSync('prompt', 'k'));
      const info = (await store.entries('prompt', 10)).find((entry) => entry.key === 'k');
      assert.equal(info?.hits, 2);
      assert.equal(departures.length, 0);
    });

    it('leaves unchanged layers alone', () => {
      store.setSync('module', 'k', 'v', { ttlMs: 1_000, size: 1 });
      store.resize(budgets(1_000));
      assert.ok(store.getSync('module', 'k'));
    });
  });

  it('purges expired entries on demand across layers', async () => {
    store.setSync('prompt', 'short', 'v', { ttlMs: 10, size: 1 });
    store.setSync('result', 'short', 'v', { ttlMs: 10, size: 1 });
    store.setSync('result', 'long', 'v', { ttlMs: 1_000, size: 1 });
    clock.advance(10);
    assert.equal(store.purgeExpired(), 2);
    assert.deepEqual(await store.keys('result'), ['long']);
    assert.deepEqual(
      departures.map(([, , reason]) => reason),
      ['expire', 'expire'],
    );
  });

  it('reports delete, deleteMatching and clear removals as delete', async () => {
    for (const key of ['a', 'b', 'c']) store.setSync('module', key, key, { ttlMs: 1_000, size: 1 });
    await store.delete('module', 'a');
    await store.deleteMatching('module', 'b');
    await store.clear('module');
    assert.deepEqual(departures, [
      ['module', 'a', 'delete'],
      ['module', 'b', 'delete'],
      ['module', 'c', 'delete'],
    ]);
  });

  it('answers delete of an expired entry with false and still removes it', async () => {
    store.setSync('module', 'k', 'v', { ttlMs: 10, size: 1 });
    clock.advance(10);
    assert.equal(await store.delete('module', 'k'), false);
    assert.deepEqual(departures, [['module', 'k', 'expire']]);
  });

  it('misses every read after close and rejects the async methods with CacheClosedError', async () => {
    store.setSync('prompt', 'k', 'v', { ttlMs: 1_000, size: 1 });
    await store.close();
    await store.close();
    assert.equal(store.getSync('prompt', 'k'), undefined);
    assert.throws(() => store.setSync('prompt', 'k', 'v', { ttlMs: 1_000 }), CacheClosedError);
    await assert.rejects(store.get('prompt', 'k'), CacheClosedError);
    await assert.rejects(store.keys('prompt'), CacheClosedError);
    assert.equal(departures.length, 0, 'closing is not an eviction');
  });

  describe('clock resolution', () => {
    it('reuses one clock reading for hits within the resolution, then reads again', async () => {
      let reads = 0;
      const counting = { now: () => (reads++, clock.now()) };
      const coarse = new MemoryStore({ budgets: budgets(1_000), clock: counting, clockResolutionMs: 1, timers: clock });
      coarse.setSync('prompt', 'k', 'v', { ttlMs: 1_000, size: 1 });
      const afterSet = reads;
      coarse.getSync('prompt', 'k');
      coarse.getSync('prompt', 'k');
      assert.equal(reads - afterSet, 1, 'two hits, one reading');
      clock.advance(1);
      coarse.getSync('prompt', 'k');
      assert.equal(reads - afterSet, 2, 'the reading was dropped after the resolution');
      await coarse.close();
    });

    it('reads an injected clock on every hit by default', () => {
      store.setSync('prompt', 'k', 'v', { ttlMs: 5, size: 1 });
      assert.ok(store.getSync('prompt', 'k'));
      clock.advance(5);
      assert.equal(store.getSync('prompt', 'k'), undefined);
    });
  });
});

describe('estimateSize', () => {
  it('measures bytes exactly and strings as UTF-16', () => {
    assert.equal(estimateSize(new Uint8Array(12)), 12);
    assert.equal(estimateSize(new ArrayBuffer(5)), 5);
    assert.equal(estimateSize('abc'), 6);
  });

  it('gives scalars and objects a fixed estimate', () => {
    assert.equal(estimateSize(42), 8);
    assert.equal(estimateSize(null), 8);
    assert.equal(estimateSize(undefined), 8);
    assert.equal(estimateSize({ a: 1 }), 256);
  });
});
