import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageSpool } from '../../../../src/core/usage/usageSpool';

describe('UsageSpool', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'usage-spool-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hands every batch over once, bytes included, and empties itself', async () => {
    const spool = new UsageSpool(join(dir, 'spool'));
    await spool.add([{ at: 1, sealed: Uint8Array.from([1, 2]) }]);
    await spool.add([{ at: 2 }, { at: 3 }]);
    await spool.add([]);
    const seen: unknown[][] = [];
    assert.equal(await spool.drain(async (rows) => void seen.push(rows)), 3);
    assert.equal(seen.length, 2);
    assert.deepEqual(seen.flat().map((row) => (row as { at: number }).at).sort(), [1, 2, 3]);
    const sealed = (seen.flat().find((row) => (row as { at: number }).at === 1) as { sealed: Uint8Array }).sealed;
    assert.ok(sealed instanceof Uint8Array);
    assert.deepEqual([...sealed], [1, 2]);
    assert.deepEqual(await readdir(join(dir, 'spool')), []);
    assert.equal(await spool.drain(async () => assert.fail('nothing is left')), 0);
  });

  it('gives each batch to one of two drains running at once', async () => {
    const spool = new UsageSpool(dir);
    for (let batch = 0; batch < 20; batch++) await spool.add([{ at: batch }]);
    const taken: number[] = [];
    const take = async (rows: unknown[]) => {
      await new Promise((resolve) => setImmediate(resolve));
      for (const row of rows) taken.push((row as { at: number }).at);
    };
    const [first, second] = await Promise.all([spool.drain(take), new UsageSpool(dir).drain(take)]);
    assert.equal(first + second, 20);
    assert.deepEqual(taken.sort((a, b) => a - b), Array.from({ length: 20 }, (_, index) => index));
  });

  it('keeps a batch the consumer refused for the next drain, and drops a file that is not a batch', async () => {
    const spool = new UsageSpool(dir);
    await spool.add([{ at: 1 }]);
    await writeFile(join(dir, '0-torn.spool'), 'not msgpack at all \u0000');
    await assert.rejects(spool.drain(async () => Promise.reject(new Error('SurrealDB refused'))), /SurrealDB refused/);
    const later: unknown[] = [];
    assert.equal(await spool.drain(async (rows) => void later.push(...rows)), 1);
    assert.deepEqual(later, [{ at: 1 }]);
    assert.deepEqual(await readdir(dir), []);
  });
});
