import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ContextTooLargeError,
  buildSnapshot,
  checkSnapshot,
  combinePartHashes,
  describeChangedPart,
  sha256,
  type ContextSnapshot,
} from '../../../../src/core/context';
import { OutsideWorkspaceError } from '../../../../src/core/pathContainment';
import { checkContextSnapshot } from '../../../../src/core/tiered/layerValueSchemas/contextSnapshotShape';
import { renderContextFromSnapshot } from '../../../../src/core/workflows/snapshotRenderContext';
import { createHash } from 'node:crypto';

const A_SOURCE = 'export const a = 1;\n';
/** Same length as A_SOURCE, other bytes: only the content hash can tell them apart. */
const A_EDITED = 'export const a = 2;\n';

describe('`@path` references and Markdown links as context parts', () => {
  let root: string;
  let workspace: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'context-refs-'));
    workspace = path.join(root, 'ws');
    await mkdir(path.join(workspace, 'src'), { recursive: true });
    await mkdir(path.join(workspace, 'docs'), { recursive: true });
    await writeFile(path.join(workspace, 'src/a.ts'), A_SOURCE);
    await writeFile(path.join(workspace, 'docs/guide.md'), '# Guide\nUse tabs.\n');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads `@src/a.ts` into a reference part and gives the render context its content', async () => {
    const snapshot = await buildSnapshot({ workspace, reads: [], fileReferences: ['src/a.ts'] });
    assert.deepEqual(snapshot.parts, [{ kind: 'reference', id: 'src/a.ts', hash: sha256(A_SOURCE), size: A_SOURCE.length, content: A_SOURCE }]);
    const context = renderContextFromSnapshot(snapshot, {}, ['src/a.ts']);
    assert.deepEqual(context.fileReferences, { 'src/a.ts': A_SOURCE });
    assert.equal(context.file, undefined, 'a reference is not the file the workflow reads');
  });

  it('makes a same-size edit of a referenced file a change naming the file', async () => {
    const snapshot = await buildSnapshot({ workspace, reads: [], fileReferences: ['src/a.ts'] });
    assert.equal((await checkSnapshot(snapshot, { fileReferences: ['src/a.ts'] })).fresh, true);
    await writeFile(path.join(workspace, 'src/a.ts'), A_EDITED);
    const check = await checkSnapshot(snapshot, { fileReferences: ['src/a.ts'] });
    assert.equal(check.fresh, false);
    assert.deepEqual(check.changed.map(describeChangedPart), ['src/a.ts was modified (content hash changed)']);
  });

  it('reads the file a prompt file links to (its path resolved to the workspace) and notices an edit', async () => {
    // `[guide](../../docs/guide.md)` in .github/prompts/style.prompt.md names docs/guide.md.
    const snapshot = await buildSnapshot({ workspace, reads: [], fileReferences: ['docs/guide.md'] });
    assert.equal(renderContextFromSnapshot(snapshot, {}, ['docs/guide.md']).fileReferences?.['docs/guide.md'], '# Guide\nUse tabs.\n');
    await writeFile(path.join(workspace, 'docs/guide.md'), '# Guide\nUse spaces.\n');
    const check = await checkSnapshot(snapshot, { fileReferences: ['docs/guide.md'] });
    assert.deepEqual(check.changed.map(describeChangedPart), ['docs/guide.md was modified (size 18 -> 20 bytes)']);
  });

  it('leaves a reference to no file as written (null), and notices when the file appears', async () => {
    const snapshot = await buildSnapshot({ workspace, reads: [], fileReferences: ['types/node', 'src'] });
    assert.deepEqual(snapshot.parts, [], 'a missing path and a folder give no part');
    assert.deepEqual(renderContextFromSnapshot(snapshot, {}, ['types/node', 'src']).fileReferences, { 'types/node': null, src: null });
    assert.equal((await checkSnapshot(snapshot, { fileReferences: ['types/node'] })).fresh, true);

    await mkdir(path.join(workspace, 'types'));
    await writeFile(path.join(workspace, 'types/node'), 'now a file\n');
    const check = await checkSnapshot(snapshot, { fileReferences: ['types/node'] });
    assert.deepEqual(check.changed.map(describeChangedPart), ['types/node changed (now exists)']);
  });

  it('notices a deleted referenced file and a reference the workflow dropped', async () => {
    const snapshot = await buildSnapshot({ workspace, reads: [], fileReferences: ['src/a.ts', 'docs/guide.md'] });
    await rm(path.join(workspace, 'src/a.ts'));
    const check = await checkSnapshot(snapshot, { fileReferences: ['src/a.ts'] });
    assert.deepEqual(check.changed.map(describeChangedPart).sort(), [
      'docs/guide.md changed (no longer referenced by the workflow)',
      'src/a.ts was deleted',
    ]);
  });

  it('finds a reference written another way (./src/a.ts) under its normalised path', async () => {
    const snapshot = await buildSnapshot({ workspace, reads: [], fileReferences: ['./src/a.ts', 'src/a.ts'] });
    assert.equal(snapshot.parts.length, 1);
    assert.deepEqual(renderContextFromSnapshot(snapshot, {}, ['./src/a.ts']).fileReferences, { 'src/a.ts': A_SOURCE, './src/a.ts': A_SOURCE });
  });

  it('refuses a reference that leads out of the workspace, directly or through a link', async () => {
    await writeFile(path.join(root, 'secret.txt'), 'secret\n');
    await symlink(path.join(root, 'secret.txt'), path.join(workspace, 'src/notes.md'));
    await assert.rejects(buildSnapshot({ workspace, reads: [], fileReferences: ['../secret.txt'] }), OutsideWorkspaceError);
    await assert.rejects(buildSnapshot({ workspace, reads: [], fileReferences: ['src/notes.md'] }), OutsideWorkspaceError);
  });

  it('caps a referenced file like any file the workflow reads', async () => {
    await assert.rejects(
      buildSnapshot({ workspace, reads: [], fileReferences: ['src/a.ts'], limits: { maxFileBytes: 4 } }),
      ContextTooLargeError,
    );
  });

  it('keeps the combined hash of snapshots without the new kinds as it was', () => {
    const parts = [
      { kind: 'file' as const, id: 'src/a.ts', hash: sha256(A_SOURCE) },
      { kind: 'selection' as const, id: 'selection', hash: sha256('x') },
    ];
    const expected = createHash('sha256')
      .update('context-v1\n')
      .update(`selection\tselection\t${sha256('x')}\n`)
      .update(`file\tsrc/a.ts\t${sha256(A_SOURCE)}\n`)
      .digest('hex');
    assert.equal(combinePartHashes(parts), expected);
  });

  it('passes the value-shape check of the context layer with reference and shell parts', async () => {
    const snapshot: ContextSnapshot = await buildSnapshot({ workspace, reads: [], fileReferences: ['src/a.ts'] });
    snapshot.parts.push({ kind: 'shell', id: 'git status --short', hash: sha256(''), size: 0, content: '' });
    assert.equal(checkContextSnapshot(snapshot), undefined);
    assert.match(checkContextSnapshot({ ...snapshot, parts: [{ ...snapshot.parts[0], kind: 'command' }] }) ?? '', /kind/);
  });

  it('maps shell parts to shellOutputs by command', () => {
    const snapshot: ContextSnapshot = {
      workspace,
      hash: 'h',
      parts: [{ kind: 'shell', id: 'git status --short', hash: sha256('?? x\n'), size: 5, content: '?? x\n' }],
    };
    const context = renderContextFromSnapshot(snapshot);
    assert.deepEqual(context.shellOutputs, { 'git status --short': '?? x\n' });
    assert.equal(context.fileReferences, undefined);
  });
});
