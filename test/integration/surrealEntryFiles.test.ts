import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { decodeEntryFile, encodeEntryFile } from '../../src/core/stores/surreal/surrealEntryFiles';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const HOUR = 3_600_000;

/**
 * The entry files beside an embedded SurrealDB directory: a store opened with deferOpen answers hits from them
 * without opening the directory, and never answers what the table would not (removed, expired, another folder).
 * Each store is closed before the next opens the directory, as one process after another would.
 */
describe('SurrealStore entry files (deferred open)', function () {
  this.timeout(60_000);
  let root: string;
  let directory: string;
  let url: string;
  let clock: ManualClock;
  const opened: SurrealStore[] = [];

  async function store(deferOpen: boolean, options: Partial<Parameters<typeof SurrealStore.open>[0]> = {}): Promise<SurrealStore> {
    const opening = await SurrealStore.open({ url, clock, cleanupIntervalMs: 0, deferOpen, ...options });
    opened.push(opening);
    return opening;
  }

  /** Writes through an eager store, then closes it: the directory and its files are left as a run leaves them. */
  async function written(entries: Record<string, Uint8Array>, layer: 'result' | 'prompt' = 'result', ttlMs = HOUR): Promise<void> {
    const writer = await store(false);
    for (const [key, value] of Object.entries(entries)) await writer.set(layer, key, value, { ttlMs });
    await writer.close();
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'claude-cache-entry-files-'));
    directory = join(root, 'surreal');
    url = `surrealkv://${directory}`;
    clock = new ManualClock(1_000_000);
  });

  afterEach(async () => {
    for (const each of opened.splice(0)) await each.close();
    await rm(root, { recursive: true, force: true });
  });

  it('answers a hit without opening the directory, with the bytes and times the table holds', async () => {
    await written({ a: bytes(1, 2, 3) });
    const reader = await store(true);
    const found = await reader.get('result', 'a');
    assert.deepEqual(found, { value: bytes(1, 2, 3), createdAt: 1_000_000, expiresAt: 1_000_000 + HOUR });
    assert.deepEqual(await reader.getMany('result', ['a']), [found]);
    assert.equal(reader.isOpen, false, 'the directory was never opened');
  });

  it('opens the directory on a miss, and on a write', async () => {
    await written({ a: bytes(1) });
    const reader = await store(true);
    assert.equal(await reader.get('result', 'absent'), undefined);
    assert.equal(reader.isOpen, true);
    await reader.close();
    const partly = await store(true);
    assert.deepEqual(await partly.getMany('result', ['a', 'absent']), [{ value: bytes(1), createdAt: 1_000_000, expiresAt: 1_000_000 + HOUR }, undefined]);
    assert.equal(partly.isOpen, true, 'one key the files lack: the table answers all of them');
    await partly.close();
    const writer = await store(true);
    await writer.set('result', 'b', bytes(2), { ttlMs: HOUR });
    assert.equal(writer.isOpen, true);
  });

  it('never answers an expired entry from its file', async () => {
    await written({ a: bytes(1) });
    clock.advance(HOUR);
    const reader = await store(true);
    assert.equal(await reader.get('result', 'a'), undefined);
  });

  for (const [removal, remove] of [
    ['delete', (writer: SurrealStore) => writer.delete('result', 'a')],
    ['deleteMatching', (writer: SurrealStore) => writer.deleteMatching('result', 'a*')],
    ['clear', (writer: SurrealStore) => writer.clear('result')],
  ] as const) {
    it(`never answers what ${removal} removed from the table`, async () => {
      await written({ a: bytes(1), keep: bytes(2) });
      const writer = await store(false);
      await remove(writer);
      await writer.close();
      const reader = await store(true);
      assert.equal(await reader.get('result', 'a'), undefined);
      if (removal !== 'clear') {
        const other = await store(true);
        assert.deepEqual((await other.get('result', 'keep'))?.value, bytes(2), 'other keys are still answered from their files');
        assert.equal(other.isOpen, false);
      }
    });
  }

  it('never answers what a cleanup pass expired or pruned', async () => {
    await written({ old: bytes(1) }, 'result', HOUR);
    clock.advance(10);
    await written({ young: bytes(2), younger: bytes(3) }, 'result', 10 * HOUR);
    clock.advance(HOUR);
    const cleaner = await store(false, { maxEntries: 1 });
    assert.deepEqual(await cleaner.cleanup(), { expired: 1, pruned: 1 });
    await cleaner.close();
    const reader = await store(true);
    // The pruned one is the older of the two that were still live.
    assert.equal(await reader.get('result', 'young'), undefined);
    assert.equal(reader.isOpen, true);
    await reader.close();
    const again = await store(true);
    assert.deepEqual((await again.get('result', 'younger'))?.value, bytes(3));
    assert.equal(again.isOpen, false);
    const files = await readdir(join(`${directory}.entries`), { recursive: true });
    assert.equal(files.filter((name) => /[0-9a-f]{64}$/.test(name)).length, 1, `only the live entry keeps a file: ${files.join(', ')}`);
  });

  it('reads no file once the SurrealDB folder is deleted or replaced', async () => {
    await written({ a: bytes(1) });
    await rm(directory, { recursive: true, force: true });
    const reader = await store(true);
    assert.equal(await reader.get('result', 'a'), undefined, 'the new, empty folder has no such entry');
    assert.equal(reader.isOpen, true);
  });

  it('treats a damaged file as a miss and answers from the table', async () => {
    await written({ a: bytes(7, 7) });
    const entries = join(`${directory}.entries`);
    for (const name of await readdir(entries, { recursive: true })) {
      if (/[0-9a-f]{64}$/.test(name)) await writeFile(join(entries, name), 'not an entry file');
    }
    const reader = await store(true);
    assert.deepEqual((await reader.get('result', 'a'))?.value, bytes(7, 7));
    assert.equal(reader.isOpen, true);
  });

  it('writes the file of an entry read from the table, so the next process finds it', async () => {
    await written({ a: bytes(4) });
    await rm(`${directory}.entries`, { recursive: true, force: true });
    const first = await store(true);
    assert.deepEqual((await first.get('result', 'a'))?.value, bytes(4));
    assert.equal(first.isOpen, true);
    await first.close();
    const second = await store(true);
    assert.deepEqual((await second.get('result', 'a'))?.value, bytes(4));
    assert.equal(second.isOpen, false);
  });

  it('encodes and decodes an entry file, and refuses a truncated one', () => {
    const record = { value: bytes(1, 2), createdAt: 5, expiresAt: 9 };
    const encoded = encodeEntryFile('result:k', record);
    assert.deepEqual(decodeEntryFile(encoded), { recordKey: 'result:k', record });
    assert.equal(decodeEntryFile(encoded.subarray(0, 10)), undefined);
    assert.equal(decodeEntryFile(Buffer.from('CPCE')), undefined);
  });
});
