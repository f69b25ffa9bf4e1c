import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, unlink, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode, encode } from 'msgpackr';
import {
  DEFAULT_CONTEXT_LIMITS,
  buildSnapshot,
  checkSnapshot,
  combinePartHashes,
  filePartId,
  hashSubset,
  sha256,
  type ContextSnapshot,
} from '../../../../src/core/context';
import { fromRepo } from '../../../helpers/repoRoot';

const FIXTURE = fromRepo('test', 'fixtures', 'workspace');
const FILE = 'src/example.ts';
const EARLIER = new Date('2026-01-01T10:00:00Z');
const LATER = new Date('2026-01-01T11:00:00Z');

describe('context snapshots', () => {
  let workspace: string;

  beforeEach(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'context-'));
    await cp(FIXTURE, workspace, { recursive: true });
    await utimes(path.join(workspace, FILE), EARLIER, EARLIER);
  });

  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  const fileSnapshot = (): Promise<ContextSnapshot> => buildSnapshot({ workspace, reads: ['file'], filePath: FILE });

  describe('buildSnapshot', () => {
    it('reads a file into a part with its workspace-relative id, hash, size and content, and no mtime', async () => {
      const snapshot = await fileSnapshot();
      const content = await readFile(path.join(FIXTURE, FILE), 'utf8');
      assert.equal(snapshot.workspace, workspace);
      assert.deepEqual(snapshot.parts, [
        { kind: 'file', id: FILE, hash: sha256(content), size: Buffer.byteLength(content), content },
      ]);
      assert.match(snapshot.hash, /^[0-9a-f]{64}$/);
    });

    it('accepts an absolute file path and still names the part relative to the workspace', async () => {
      const snapshot = await buildSnapshot({ workspace, reads: ['file'], filePath: path.join(workspace, FILE) });
      assert.equal(snapshot.parts[0]?.id, FILE);
    });

    it('gives the same hash for the same content, whatever the workspace path or read order', async () => {
      const other = await mkdtemp(path.join(tmpdir(), 'context-other-'));
      try {
        await cp(FIXTURE, other, { recursive: true });
        const here = await buildSnapshot({ workspace, reads: ['file', 'selection'], filePath: FILE, selection: 'x' });
        const there = await buildSnapshot({ workspace: other, reads: ['selection', 'file', 'file'], filePath: FILE, selection: 'x' });
        assert.equal(here.hash, there.hash);
        assert.deepEqual(here.parts.map((part) => part.kind), ['selection', 'file']);
        assert.equal((await fileSnapshot()).hash, (await fileSnapshot()).hash);
      } finally {
        await rm(other, { recursive: true, force: true });
      }
    });

    it('gives a different hash for other content or the same content under another path', async () => {
      const base = await buildSnapshot({ workspace, reads: ['selection'], selection: 'a' });
      const otherText = await buildSnapshot({ workspace, reads: ['selection'], selection: 'b' });
      assert.notEqual(base.hash, otherText.hash);
      await cp(path.join(workspace, FILE), path.join(workspace, 'src/copy.ts'));
      const copy = await buildSnapshot({ workspace, reads: ['file'], filePath: 'src/copy.ts' });
      assert.equal(copy.parts[0]?.hash, (await fileSnapshot()).parts[0]?.hash);
      assert.notEqual(copy.hash, (await fileSnapshot()).hash);
    });

    it('reads only what was asked for', async () => {
      const snapshot = await buildSnapshot({ workspace, reads: [], filePath: FILE, selection: 'x' });
      assert.deepEqual(snapshot.parts, []);
      assert.equal(snapshot.hash, combinePartHashes([]));
    });

    it('refuses a huge file, naming it and its size', async () => {
      await writeFile(path.join(workspace, 'big.log'), Buffer.alloc(2048, 'a'));
      await assert.rejects(buildSnapshot({ workspace, reads: ['file'], filePath: 'big.log', limits: { maxFileBytes: 1024 } }), {
        code: 'E_CONTEXT_TOO_LARGE',
        message: 'big.log is 2,048 bytes (2.0 KiB), over the 1,024 bytes (1.0 KiB) limit for workflow context',
      });
    });

    it('refuses a file over the default limit', async () => {
      const size = DEFAULT_CONTEXT_LIMITS.maxFileBytes + 1;
      await writeFile(path.join(workspace, 'huge.txt'), Buffer.alloc(size, 'a'));
      await assert.rejects(buildSnapshot({ workspace, reads: ['file'], filePath: 'huge.txt' }), (error: Error & { size?: number }) => {
        assert.equal(error.size, size);
        assert.match(error.message, /^huge\.txt is 1,048,577 bytes \(1\.0 MiB\), over the 1,048,576 bytes \(1\.0 MiB\) limit/);
        return true;
      });
    });

    it('accepts a file of exactly the limit', async () => {
      await writeFile(path.join(workspace, 'edge.txt'), Buffer.alloc(100, 'a'));
      const snapshot = await buildSnapshot({ workspace, reads: ['file'], filePath: 'edge.txt', limits: { maxFileBytes: 100 } });
      assert.equal(snapshot.parts[0]?.size, 100);
    });

    it('refuses a huge selection', async () => {
      await assert.rejects(buildSnapshot({ workspace, reads: ['selection'], selection: 'abcdef', limits: { maxSelectionBytes: 5 } }), {
        code: 'E_CONTEXT_TOO_LARGE',
        message: 'selection is 6 bytes, over the 5 bytes limit for workflow context',
      });
    });

    it('refuses binary and non-UTF-8 files', async () => {
      await writeFile(path.join(workspace, 'image.png'), Buffer.from([0x89, 0x50, 0x00, 0x47]));
      await writeFile(path.join(workspace, 'latin1.txt'), Buffer.from('caf\u00e9', 'latin1'));
      await assert.rejects(buildSnapshot({ workspace, reads: ['file'], filePath: 'image.png' }), {
        code: 'E_CONTEXT_READ',
        message: 'image.png: is a binary file (it contains NUL bytes)',
      });
      await assert.rejects(buildSnapshot({ workspace, reads: ['file'], filePath: 'latin1.txt' }), /latin1\.txt: is not UTF-8 text/);
    });

    it('keeps a byte-order mark, so the hash matches the bytes on disk', async () => {
      const bytes = Buffer.from('\uFEFFhello', 'utf8');
      await writeFile(path.join(workspace, 'bom.txt'), bytes);
      const snapshot = await buildSnapshot({ workspace, reads: ['file'], filePath: 'bom.txt' });
      assert.equal(snapshot.parts[0]?.hash, sha256(bytes));
      assert.equal(snapshot.parts[0]?.content, '\uFEFFhello');
    });

    it('says clearly what is missing or wrong with the request', async () => {
      await assert.rejects(buildSnapshot({ workspace, reads: ['file'] }), { code: 'E_CONTEXT_REQUEST', message: /no file was given/ });
      await assert.rejects(buildSnapshot({ workspace, reads: ['selection'] }), { code: 'E_CONTEXT_REQUEST', message: /no selection was given/ });
      await assert.rejects(buildSnapshot({ workspace, reads: ['file'], filePath: 'nope.ts' }), {
        code: 'E_CONTEXT_READ',
        message: 'nope.ts: no such file',
      });
      await assert.rejects(buildSnapshot({ workspace, reads: ['file'], filePath: 'src' }), { message: 'src: not a regular file' });
      await assert.rejects(buildSnapshot({ workspace: path.join(workspace, 'nope'), reads: [] }), /workspace folder not found/);
      await assert.rejects(buildSnapshot({ workspace: path.join(workspace, FILE), reads: [] }), /workspace is not a folder/);
    });

    it('produces plain data that survives a msgpack round trip', async () => {
      const snapshot = await buildSnapshot({ workspace, reads: ['file', 'selection'], filePath: FILE, selection: 'sel' });
      assert.deepEqual(decode(encode(snapshot)), snapshot);
    });
  });

  describe('checkSnapshot', () => {
    it('finds an untouched snapshot fresh', async () => {
      assert.deepEqual(await checkSnapshot(await fileSnapshot()), { fresh: true, changed: [] });
    });

    it('finds a file that was saved with the same content (a touch) still fresh', async () => {
      const snapshot = await fileSnapshot();
      const content = await readFile(path.join(workspace, FILE));
      await writeFile(path.join(workspace, FILE), content);
      await utimes(path.join(workspace, FILE), LATER, LATER);
      assert.deepEqual(await checkSnapshot(snapshot), { fresh: true, changed: [] });
    });

    it('detects an edit that keeps the size by its content hash', async () => {
      const snapshot = await fileSnapshot();
      const file = path.join(workspace, FILE);
      const content = await readFile(file, 'utf8');
      await writeFile(file, content.replace('chunks', 'pieces'));
      await utimes(file, LATER, LATER);
      assert.deepEqual(await checkSnapshot(snapshot), {
        fresh: false,
        changed: [{ id: FILE, kind: 'file', reason: 'modified', detail: 'content hash changed' }],
      });
    });

    it('detects an edit that changes the size without hashing', async () => {
      const snapshot = await fileSnapshot();
      const size = snapshot.parts[0]?.size ?? 0;
      await writeFile(path.join(workspace, FILE), 'export {};\n');
      await utimes(path.join(workspace, FILE), EARLIER, EARLIER);
      assert.deepEqual((await checkSnapshot(snapshot)).changed, [
        { id: FILE, kind: 'file', reason: 'modified', detail: `size ${size} -> 11 bytes` },
      ]);
    });

    it('detects a deleted file', async () => {
      const snapshot = await fileSnapshot();
      await unlink(path.join(workspace, FILE));
      assert.deepEqual(await checkSnapshot(snapshot), { fresh: false, changed: [{ id: FILE, kind: 'file', reason: 'deleted' }] });
    });

    it('detects a file replaced by a folder', async () => {
      const snapshot = await fileSnapshot();
      await unlink(path.join(workspace, FILE));
      await mkdir(path.join(workspace, FILE));
      assert.deepEqual((await checkSnapshot(snapshot)).changed, [
        { id: FILE, kind: 'file', reason: 'differs', detail: 'no longer a regular file' },
      ]);
    });

    it('detects that the workflow now reads another file', async () => {
      const snapshot = await fileSnapshot();
      assert.deepEqual(await checkSnapshot(snapshot, { filePath: FILE }), { fresh: true, changed: [] });
      assert.deepEqual((await checkSnapshot(snapshot, { filePath: 'README.md' })).changed, [
        { id: FILE, kind: 'file', reason: 'differs', detail: 'now reading README.md' },
      ]);
    });

    it('compares the selection with the current one', async () => {
      const snapshot = await buildSnapshot({ workspace, reads: ['selection'], selection: 'let a = 1;' });
      assert.deepEqual(await checkSnapshot(snapshot, { selection: 'let a = 1;' }), { fresh: true, changed: [] });
      assert.deepEqual((await checkSnapshot(snapshot, { selection: 'let a = 2;' })).changed, [
        { id: 'selection', kind: 'selection', reason: 'differs', detail: 'the selection changed' },
      ]);
      assert.equal((await checkSnapshot(snapshot)).changed[0]?.detail, 'no current selection to compare');
    });

    it('checks a snapshot that went through msgpack', async () => {
      const snapshot = decode(encode(await fileSnapshot())) as ContextSnapshot;
      assert.equal((await checkSnapshot(snapshot)).fresh, true);
      await writeFile(path.join(workspace, FILE), 'changed');
      assert.equal((await checkSnapshot(snapshot)).fresh, false);
    });
  });

  describe('hashSubset', () => {
    it('hashes only the kinds a module reads, so a module ignores changes it does not read', async () => {
      const first = await buildSnapshot({ workspace, reads: ['selection', 'file'], filePath: FILE, selection: 'one' });
      const second = await buildSnapshot({ workspace, reads: ['selection', 'file'], filePath: FILE, selection: 'two' });
      assert.notEqual(first.hash, second.hash);
      assert.equal(hashSubset(first, ['file']), hashSubset(second, ['file']));
      assert.notEqual(hashSubset(first, ['selection']), hashSubset(second, ['selection']));
      assert.equal(hashSubset(first, ['file']), (await fileSnapshot()).hash);
    });

    it('equals the snapshot hash when the module reads everything the snapshot has', async () => {
      const snapshot = await buildSnapshot({ workspace, reads: ['selection', 'file'], filePath: FILE, selection: 'x' });
      assert.equal(hashSubset(snapshot, ['selection', 'file', 'gitDiff']), snapshot.hash);
      assert.equal(hashSubset(snapshot, []), combinePartHashes([]));
    });
  });

  describe('combinePartHashes', () => {
    it('does not depend on the order parts are listed in', () => {
      const a = { kind: 'file', id: 'a.ts', hash: '1' } as const;
      const b = { kind: 'file', id: 'b.ts', hash: '2' } as const;
      const s = { kind: 'selection', id: 'selection', hash: '3' } as const;
      assert.equal(combinePartHashes([a, b, s]), combinePartHashes([s, b, a]));
      assert.notEqual(combinePartHashes([a, b]), combinePartHashes([{ ...a, id: 'b.ts' }, { ...b, id: 'a.ts' }]));
    });
  });

  describe('filePartId', () => {
    it('is workspace-relative inside the workspace and absolute outside it', () => {
      assert.equal(filePartId('/w/project', 'src/a.ts'), 'src/a.ts');
      assert.equal(filePartId('/w/project', '/w/project/src/a.ts'), 'src/a.ts');
      assert.equal(filePartId('/w/project', '/w/other/b.ts'), '/w/other/b.ts');
      assert.equal(filePartId('/w/project', '../project-notes/x.md'), '/w/project-notes/x.md');
    });
  });
});
