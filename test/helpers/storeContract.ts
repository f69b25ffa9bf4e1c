import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { CacheError, InvalidKeyError } from '../../src/core/errors';
import type { Store, StoredRecord } from '../../src/core/stores/store';

/** Any store under test; values go in and come back as bytes. */
export type AnyStore = Store<Uint8Array> | Store<unknown>;

export interface StoreContractOptions {
  /** Called after every test's store is closed, e.g. to release a per-test resource. */
  cleanup?: () => Promise<void>;
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** The bytes of whatever a store handed back, compared as bytes whatever their exact class. */
function bytesOf(record: StoredRecord<unknown> | undefined): number[] | undefined {
  if (record === undefined) return undefined;
  assert.ok(record.value instanceof Uint8Array, 'a stored value comes back as bytes');
  return [...record.value];
}

/**
 * The one behaviour every tier promises (src/core/stores/store.ts), run against each implementation with a
 * fresh store per test on a ManualClock, so expiry is tested by moving time, never by waiting.
 */
export function describeStoreContract(
  name: string,
  makeStore: (clock: ManualClock) => Promise<AnyStore>,
  options: StoreContractOptions = {},
): void {
  describe(`${name} (Store contract)`, () => {
    let clock: ManualClock;
    let store: AnyStore;

    /** Writes through whichever value type the store takes; the size is the byte length, as the codec gives it. */
    const put = (layer: Parameters<AnyStore['set']>[0], key: string, value: Uint8Array, ttlMs = 60_000) =>
      (store as Store<Uint8Array>).set(layer, key, value, { ttlMs, size: value.byteLength });

    beforeEach(async () => {
      clock = new ManualClock();
      store = await makeStore(clock);
    });

    afterEach(async () => {
      await store.close();
      await options.cleanup?.();
    });

    it('round-trips binary values with createdAt and expiresAt on the store clock', async () => {
      const value = bytes(0, 1, 2, 127, 128, 254, 255, 0);
      await put('result', 'bin:k1', value, 5_000);
      const record = await store.get('result', 'bin:k1');
      assert.deepEqual(bytesOf(record), [...value]);
      assert.equal(record?.createdAt, clock.now());
      assert.equal(record?.expiresAt, clock.now() + 5_000);
    });

    it('round-trips a large value and an empty one', async () => {
      const large = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256);
      await put('module', 'large', large);
      await put('module', 'empty', new Uint8Array(0));
      assert.deepEqual(bytesOf(await store.get('module', 'large')), [...large]);
      assert.deepEqual(bytesOf(await store.get('module', 'empty')), []);
    });

    it('answers undefined for a key it never saw', async () => {
      assert.equal(await store.get('prompt', 'never:written'), undefined);
    });

    it('replaces a value written again under the same key', async () => {
      await put('prompt', 'k', bytes(1));
      clock.advance(10);
      await put('prompt', 'k', bytes(2, 2));
      const record = await store.get('prompt', 'k');
      assert.deepEqual(bytesOf(record), [2, 2]);
      assert.equal(record?.createdAt, clock.now());
      assert.deepEqual(await store.usage('prompt'), { entries: 1, bytes: 2 });
    });

    it('keeps layers apart: the same key in two layers is two entries', async () => {
      await put('prompt', 'same:key', bytes(1));
      await put('result', 'same:key', bytes(2));
      assert.deepEqual(bytesOf(await store.get('prompt', 'same:key')), [1]);
      assert.deepEqual(bytesOf(await store.get('result', 'same:key')), [2]);
      assert.equal(await store.delete('prompt', 'same:key'), true);
      assert.deepEqual(bytesOf(await store.get('result', 'same:key')), [2]);
      assert.deepEqual(await store.keys('module'), []);
    });

    it('expires an entry when the clock reaches expiresAt, for every read', async () => {
      await put('context', 'ttl:k', bytes(7), 1_000);
      await put('context', 'ttl:long', bytes(8, 8), 10_000);
      clock.advance(999);
      assert.ok(await store.get('context', 'ttl:k'));
      assert.equal(await store.has('context', 'ttl:k'), true);
      clock.advance(1);
      assert.equal(await store.get('context', 'ttl:k'), undefined);
      assert.equal(await store.has('context', 'ttl:k'), false);
      assert.deepEqual(
        (await store.getMany('context', ['ttl:k', 'ttl:long'])).map(bytesOf),
        [undefined, [8, 8]],
      );
      assert.deepEqual(await store.keys('context'), ['ttl:long']);
      assert.deepEqual(
        (await store.entries('context', 10)).map((entry) => entry.key),
        ['ttl:long'],
      );
      assert.deepEqual(await store.usage('context'), { entries: 1, bytes: 2 });
    });

    it('getMany answers in the order asked, with undefined for misses', async () => {
      await put('module', 'a', bytes(1));
      await put('module', 'b', bytes(2));
      const found = await store.getMany('module', ['b', 'missing', 'a', 'b']);
      assert.deepEqual(found.map(bytesOf), [[2], undefined, [1], [2]]);
      assert.deepEqual(await store.getMany('module', []), []);
    });

    it('setMany writes every entry, each with its own TTL', async () => {
      await (store as Store<Uint8Array>).setMany('result', [
        { key: 'm:1', value: bytes(1), ttlMs: 100, size: 1 },
        { key: 'm:2', value: bytes(2, 2), ttlMs: 1_000, size: 2 },
        { key: 'm:3', value: bytes(3, 3, 3), ttlMs: 10_000, size: 3 },
      ]);
      await (store as Store<Uint8Array>).setMany('result', []);
      const records = await store.getMany('result', ['m:1', 'm:2', 'm:3']);
      assert.deepEqual(records.map(bytesOf), [[1], [2, 2], [3, 3, 3]]);
      assert.deepEqual(
        records.map((record) => (record ? record.expiresAt - clock.now() : undefined)),
        [100, 1_000, 10_000],
      );
      clock.advance(100);
      assert.deepEqual((await store.getMany('result', ['m:1', 'm:2'])).map(bytesOf), [undefined, [2, 2]]);
    });

    it('has and delete say whether the entry was there', async () => {
      await put('prompt', 'hd', bytes(1));
      assert.equal(await store.has('prompt', 'hd'), true);
      assert.equal(await store.has('prompt', 'other'), false);
      assert.equal(await store.delete('prompt', 'hd'), true);
      assert.equal(await store.delete('prompt', 'hd'), false);
      assert.equal(await store.has('prompt', 'hd'), false);
      assert.equal(await store.get('prompt', 'hd'), undefined);
    });

    it('deleteMatching removes what the glob matches: * any run, ? one character', async () => {
      const keys = ['user:1:a', 'user:2:a', 'user:10:a', 'user:1:b', 'other:1:a'];
      for (const key of keys) await put('module', key, bytes(1));
      await put('result', 'user:1:a', bytes(1));
      assert.equal(await store.deleteMatching('module', 'user:?:a'), 2);
      assert.deepEqual((await store.keys('module')).sort(), ['other:1:a', 'user:10:a', 'user:1:b']);
      assert.equal(await store.deleteMatching('module', 'user:*'), 2);
      assert.deepEqual(await store.keys('module'), ['other:1:a']);
      assert.equal(await store.deleteMatching('module', 'nothing:*'), 0);
      assert.ok(await store.get('result', 'user:1:a'), 'other layers are untouched');
    });

    it('treats pattern characters as literal except * and ?', async () => {
      await put('module', 'a.b', bytes(1));
      await put('module', 'axb', bytes(1));
      assert.equal(await store.deleteMatching('module', 'a.b'), 1);
      assert.deepEqual(await store.keys('module'), ['axb']);
    });

    it('refuses a pattern outside the safe key space with InvalidKeyError', async () => {
      await assert.rejects(store.deleteMatching('module', 'a b'), InvalidKeyError);
      await assert.rejects(store.keys('module', { pattern: "x' OR 1" }), InvalidKeyError);
    });

    it('clear empties one layer and reports how many entries went', async () => {
      for (const key of ['c1', 'c2', 'c3']) await put('context', key, bytes(1));
      await put('prompt', 'c1', bytes(1));
      assert.equal(await store.clear('context'), 3);
      assert.deepEqual(await store.keys('context'), []);
      assert.equal(await store.clear('context'), 0);
      assert.ok(await store.get('prompt', 'c1'));
    });

    it('lists keys, filtered by a pattern and capped by a limit', async () => {
      for (const key of ['p:1', 'p:2', 'p:3', 'q:1']) await put('prompt', key, bytes(1));
      assert.deepEqual((await store.keys('prompt')).sort(), ['p:1', 'p:2', 'p:3', 'q:1']);
      assert.deepEqual((await store.keys('prompt', { pattern: 'p:*' })).sort(), ['p:1', 'p:2', 'p:3']);
      const limited = await store.keys('prompt', { limit: 2 });
      assert.equal(limited.length, 2);
      const limitedMatch = await store.keys('prompt', { pattern: 'p:*', limit: 2 });
      assert.equal(limitedMatch.length, 2);
      assert.ok(limitedMatch.every((key) => key.startsWith('p:')));
      assert.deepEqual(await store.keys('prompt', { limit: 0 }), []);
    });

    it('lists entries newest first, with size and timestamps, up to the limit', async () => {
      await put('result', 'first', bytes(1), 1_000);
      clock.advance(10);
      await put('result', 'second', bytes(1, 2), 1_000);
      clock.advance(10);
      await put('result', 'third', bytes(1, 2, 3), 1_000);
      const entries = await store.entries('result', 2);
      assert.deepEqual(
        entries.map(({ key, size, createdAt, expiresAt }) => ({ key, size, createdAt, expiresAt })),
        [
          { key: 'third', size: 3, createdAt: clock.now(), expiresAt: clock.now() + 1_000 },
          { key: 'second', size: 2, createdAt: clock.now() - 10, expiresAt: clock.now() + 990 },
        ],
      );
      assert.deepEqual(await store.entries('result', 0), []);
    });

    it('reports usage per layer: live entries and their value bytes', async () => {
      assert.deepEqual(await store.usage('module'), { entries: 0, bytes: 0 });
      await put('module', 'u1', new Uint8Array(10));
      await put('module', 'u2', new Uint8Array(32));
      await put('prompt', 'u3', new Uint8Array(5));
      assert.deepEqual(await store.usage('module'), { entries: 2, bytes: 42 });
      assert.deepEqual(await store.usage('prompt'), { entries: 1, bytes: 5 });
    });

    it('refuses work after close with a CacheError, and closes twice without complaint', async () => {
      await put('prompt', 'closing', bytes(1));
      await store.close();
      await store.close();
      await assert.rejects(store.get('prompt', 'closing'), CacheError);
      await assert.rejects(put('prompt', 'closing', bytes(2)), CacheError);
      await assert.rejects(store.keys('prompt'), CacheError);
    });
  });
}
