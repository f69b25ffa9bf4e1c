import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeValue, encodeValue } from '../../../../src/core/codec';
import { buildSnapshot, checkSnapshot, sha256, type ContextPart, type ContextSnapshot } from '../../../../src/core/context';

// Freshness is decided by content hash alone; these are the edits that keep size and mtime and used to pass.
const FILE = 'src/scale.ts';
const ORIGINAL = 'export const scale = (x: number): number => x * 2;\n';
/** Same length as ORIGINAL, different bytes: size alone cannot tell them apart. */
const EDITED = 'export const scale = (x: number): number => x * 3;\n';
/** Whole seconds, so the restored times are bit-for-bit the recorded ones on every filesystem. */
const ATIME = new Date('2026-03-01T09:00:00Z');
const MTIME = new Date('2026-03-01T10:00:00Z');
const LATER = new Date('2026-03-01T11:00:00Z');

const CONTENT_CHANGED = { id: FILE, kind: 'file', reason: 'modified', detail: 'content hash changed' } as const;

describe('context freshness by content', () => {
  let workspace: string;
  let file: string;

  beforeEach(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'context-fresh-'));
    await mkdir(path.join(workspace, 'src'));
    file = path.join(workspace, FILE);
    await writeFile(file, ORIGINAL);
    await utimes(file, ATIME, MTIME);
  });

  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  const snapshotOfFile = (): Promise<ContextSnapshot> => buildSnapshot({ workspace, reads: ['file'], filePath: FILE });

  /** The attack's precondition, asserted so a test cannot pass by accident on a changed size or mtime. */
  async function assertSameSizeAndTimes(): Promise<void> {
    const info = await stat(file);
    assert.equal(info.size, Buffer.byteLength(ORIGINAL));
    assert.equal(info.mtimeMs, MTIME.getTime());
  }

  it('detects a same-size edit whose atime and mtime were restored with utimes (touch -r)', async () => {
    const snapshot = await snapshotOfFile();
    await writeFile(file, EDITED);
    await utimes(file, ATIME, MTIME);
    await assertSameSizeAndTimes();
    assert.deepEqual(await checkSnapshot(snapshot), { fresh: false, changed: [CONTENT_CHANGED] });
  });

  it('detects another file of the same size and mtime renamed over it', async () => {
    const snapshot = await snapshotOfFile();
    const replacement = `${file}.new`;
    await writeFile(replacement, EDITED);
    await utimes(replacement, ATIME, MTIME);
    await rename(replacement, file);
    await assertSameSizeAndTimes();
    assert.deepEqual(await checkSnapshot(snapshot), { fresh: false, changed: [CONTENT_CHANGED] });
  });

  it('detects a copy that preserves the source times over it (cp -p)', async () => {
    const snapshot = await snapshotOfFile();
    const source = path.join(workspace, 'src/scale.backup.ts');
    await writeFile(source, EDITED);
    await utimes(source, ATIME, MTIME);
    // What `cp -p source file` does: copy the bytes, then give the copy the source's access and modification times.
    const times = await stat(source);
    await copyFile(source, file);
    await utimes(file, times.atime, times.mtime);
    await assertSameSizeAndTimes();
    assert.deepEqual(await checkSnapshot(snapshot), { fresh: false, changed: [CONTENT_CHANGED] });
  });

  it('keeps an unchanged file fresh, also when rewritten with the same bytes or touched', async () => {
    const snapshot = await snapshotOfFile();
    assert.deepEqual(await checkSnapshot(snapshot), { fresh: true, changed: [] });
    await writeFile(file, ORIGINAL);
    await utimes(file, ATIME, MTIME);
    assert.deepEqual(await checkSnapshot(snapshot), { fresh: true, changed: [] });
    await utimes(file, LATER, LATER);
    assert.deepEqual(await checkSnapshot(snapshot), { fresh: true, changed: [] });
  });

  it('finds an edit in one file of several and names only that file', async () => {
    await writeFile(path.join(workspace, 'src/other.ts'), ORIGINAL);
    await utimes(path.join(workspace, 'src/other.ts'), ATIME, MTIME);
    const parts = [
      ...(await snapshotOfFile()).parts,
      ...(await buildSnapshot({ workspace, reads: ['file'], filePath: 'src/other.ts' })).parts,
    ];
    const snapshot: ContextSnapshot = { workspace, parts, hash: 'unused by the check' };
    await writeFile(file, EDITED);
    await utimes(file, ATIME, MTIME);
    assert.deepEqual(await checkSnapshot(snapshot), { fresh: false, changed: [CONTENT_CHANGED] });
  });

  describe('snapshots cached by an earlier version', () => {
    /** The shape older versions wrote, with the mtime they trusted, through the cache's own codec. */
    async function oldFormatSnapshot(): Promise<ContextSnapshot> {
      const current = await snapshotOfFile();
      const [part] = current.parts;
      assert.ok(part);
      const old = { ...current, parts: [{ ...part, mtimeMs: MTIME.getTime() }] };
      const loaded = decodeValue(encodeValue(old)) as ContextSnapshot;
      assert.equal(loaded.parts[0]?.mtimeMs, MTIME.getTime(), 'the old field survives the round trip');
      return loaded;
    }

    it('load and stay fresh while the file is unchanged', async () => {
      assert.deepEqual(await checkSnapshot(await oldFormatSnapshot()), { fresh: true, changed: [] });
    });

    it('are re-hashed, so their recorded mtime cannot vouch for a same-size edit', async () => {
      const snapshot = await oldFormatSnapshot();
      await writeFile(file, EDITED);
      await utimes(file, ATIME, MTIME);
      await assertSameSizeAndTimes();
      assert.deepEqual(await checkSnapshot(snapshot), { fresh: false, changed: [CONTENT_CHANGED] });
    });
  });

  describe('a cached part whose content is not what its hash names', () => {
    const tampered = (part: ContextPart | undefined, content: string): ContextPart => {
      assert.ok(part);
      return { ...part, content };
    };

    it('is not fresh for a file, even though the file on disk still matches the hash', async () => {
      const snapshot = await snapshotOfFile();
      const forged: ContextSnapshot = { ...snapshot, parts: [tampered(snapshot.parts[0], EDITED)] };
      assert.equal(sha256(await readFile(file)), forged.parts[0]?.hash, 'precondition: the disk still matches the hash');
      assert.deepEqual(await checkSnapshot(forged), {
        fresh: false,
        changed: [{ id: FILE, kind: 'file', reason: 'differs', detail: 'the cached copy does not match its own hash' }],
      });
    });

    it('is not fresh for a selection, even though the current selection matches the hash', async () => {
      const snapshot = await buildSnapshot({ workspace, reads: ['selection'], selection: 'let a = 1;' });
      const forged: ContextSnapshot = { ...snapshot, parts: [tampered(snapshot.parts[0], 'let a = 2;')] };
      assert.deepEqual(await checkSnapshot(forged, { selection: 'let a = 1;' }), {
        fresh: false,
        changed: [{ id: 'selection', kind: 'selection', reason: 'differs', detail: 'the cached copy does not match its own hash' }],
      });
    });

    it('is not fresh when a stored part lost its content', async () => {
      const snapshot = await snapshotOfFile();
      const [part] = snapshot.parts;
      assert.ok(part);
      const { content: _dropped, ...withoutContent } = part;
      const broken = { ...snapshot, parts: [withoutContent] } as unknown as ContextSnapshot;
      assert.equal((await checkSnapshot(broken)).fresh, false);
    });
  });
});
