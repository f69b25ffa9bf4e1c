import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  newAccessToken,
  ownerFilePath,
  readOwnerRecord,
  removeOwnerRecord,
  writeOwnerRecord,
} from '../../../../../../src/core/stores/surreal/shared/ownerRecord';

describe('owner record of a shared SurrealDB directory', () => {
  let dir: string;
  let file: string;
  const record = { pid: 4242, port: 40_000, token: 'b'.repeat(64) };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'claude-cache-owner-'));
    file = ownerFilePath(join(dir, 'surreal'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lives beside the directory, not in it', () => {
    assert.equal(ownerFilePath('/x/storage/surreal'), '/x/storage/surreal.owner.json');
  });

  it('is written readable by its user only, with nothing left over, and read back', async () => {
    await writeOwnerRecord(file, record);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await readOwnerRecord(file), record);
    assert.deepEqual(await readdir(dir), ['surreal.owner.json']);
  });

  it('reads a missing, unparsable or malformed file as no record', async () => {
    assert.equal(await readOwnerRecord(file), undefined);
    for (const text of ['', 'not json', 'null', '[]', '{"pid":1,"port":2}', JSON.stringify({ ...record, pid: -1 }),
      JSON.stringify({ ...record, port: 70_000 }), JSON.stringify({ ...record, token: 'short' }), JSON.stringify({ ...record, pid: 1.5 })]) {
      await writeFile(file, text);
      assert.equal(await readOwnerRecord(file), undefined, text);
    }
  });

  it('is removed only while it is still the same owner', async () => {
    await writeOwnerRecord(file, record);
    const successor = { ...record, pid: 4343, token: newAccessToken() };
    await writeOwnerRecord(file, successor);
    await removeOwnerRecord(file, record);
    assert.deepEqual(await readOwnerRecord(file), successor, "a successor's record stays");
    await removeOwnerRecord(file, successor);
    assert.equal(await readOwnerRecord(file), undefined);
  });

  it('makes tokens of 64 hex digits that differ', () => {
    const [a, b] = [newAccessToken(), newAccessToken()];
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, b);
  });

  it('cleans up its temporary file when the rename fails', async () => {
    await mkdir(file);
    await assert.rejects(writeOwnerRecord(file, record));
    assert.deepEqual(await readdir(dir), ['surreal.owner.json'], 'only the folder in the way');
  });
});
