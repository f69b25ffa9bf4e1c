import assert from 'node:assert/strict';
import { mkdtemp, rm as removeTree } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fileOps from '../../../../src/core/io/fileOps';

/** Both ways of running the bookkeeping file operations give the same results and the same failures. */
describe('fileOps', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-ops-'));
  });

  afterEach(async () => {
    fileOps.useImmediateFileOps(false);
    await removeTree(dir, { recursive: true, force: true });
  });

  for (const immediate of [false, true]) {
    it(`${immediate ? 'immediate' : 'asynchronous'}: writes, reads, lists, links, renames and removes`, async () => {
      fileOps.useImmediateFileOps(immediate);
      const folder = join(dir, 'a', 'b');
      await fileOps.mkdir(folder, { recursive: true });
      await fileOps.access(folder);
      await fileOps.writeFile(join(folder, 'x.txt'), 'hello', { mode: 0o600 });
      assert.equal(await fileOps.readFile(join(folder, 'x.txt'), 'utf8'), 'hello');
      assert.deepEqual([...(await fileOps.readFile(join(folder, 'x.txt')))], [...Buffer.from('hello')]);
      assert.equal((await fileOps.stat(join(folder, 'x.txt'))).size, 5);
      await fileOps.link(join(folder, 'x.txt'), join(folder, 'y.txt'));
      await fileOps.rename(join(folder, 'y.txt'), join(folder, 'z.txt'));
      assert.deepEqual((await fileOps.readdir(folder)).sort(), ['x.txt', 'z.txt']);
      assert.deepEqual((await fileOps.readdir(folder, { withFileTypes: true })).map((entry) => entry.isFile()), [true, true]);
      await fileOps.unlink(join(folder, 'z.txt'));
      await fileOps.rm(join(dir, 'a'), { recursive: true, force: true });
      assert.deepEqual(await fileOps.readdir(dir), []);
    });

    it(`${immediate ? 'immediate' : 'asynchronous'}: writes a new file with its mode, flushed to disk or not`, async () => {
      fileOps.useImmediateFileOps(immediate);
      for (const flushToDisk of [true, false]) {
        const file = join(dir, `new-${flushToDisk}`);
        await fileOps.writeFile(file, 'old text that is longer');
        await fileOps.writeNewFile(file, 'new', { mode: 0o600, flushToDisk });
        assert.equal(await fileOps.readFile(file, 'utf8'), 'new', 'an existing file is emptied first');
        await fileOps.writeNewFile(`${file}.fresh`, 'x', { mode: 0o600, flushToDisk });
        assert.equal((await fileOps.stat(`${file}.fresh`)).mode & 0o777, 0o600);
      }
      await assert.rejects(fileOps.writeNewFile(join(dir, 'no', 'such', 'dir'), 'x', { mode: 0o600, flushToDisk: true }), { code: 'ENOENT' });
    });

    it(`${immediate ? 'immediate' : 'asynchronous'}: a failure is a rejected promise with the system's code`, async () => {
      fileOps.useImmediateFileOps(immediate);
      const missing = join(dir, 'missing');
      const pending = fileOps.readFile(missing, 'utf8');
      assert.ok(pending instanceof Promise, 'never throws before returning');
      await assert.rejects(pending, { code: 'ENOENT' });
      await assert.rejects(fileOps.stat(missing), { code: 'ENOENT' });
      await assert.rejects(fileOps.writeFile(join(dir, 'x'), 'a', { flag: 'wx' }).then(() => fileOps.writeFile(join(dir, 'x'), 'b', { flag: 'wx' })), { code: 'EEXIST' });
    });
  }
});
