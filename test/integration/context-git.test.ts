import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSnapshot, checkSnapshot, sha256 } from '../../src/core/context';
import { git, gitCeilingPerSuite } from '../helpers/gitRepository';
import { findWorkflow, BUILTIN_WORKFLOWS, renderContextFromSnapshot, renderWorkflow } from '../../src/core/workflows';

/** Runs real git in a throwaway repository, with an identity and no signing, whatever the machine's config. */
describe('context snapshots of a git working tree', () => {
  let root: string;
  let repo: string;
  gitCeilingPerSuite();

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'context-git-'));
    repo = path.join(root, 'repo');
    await mkdir(path.join(repo, 'src'), { recursive: true });
    git(repo, 'init', '--quiet');
    await writeFile(path.join(repo, 'src/app.ts'), 'export const answer = 41;\n');
    await writeFile(path.join(repo, '.gitignore'), 'build/\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'initial');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const diffSnapshot = () => buildSnapshot({ workspace: repo, reads: ['gitDiff'] });

  it('has an empty diff part for a clean working tree', async () => {
    const snapshot = await diffSnapshot();
    assert.deepEqual(snapshot.parts, [{ kind: 'gitDiff', id: 'git-diff', hash: sha256(''), size: 0, content: '' }]);
  });

  it('holds the diff against HEAD, staged and unstaged, plus untracked names but not ignored ones', async () => {
    await writeFile(path.join(repo, 'src/app.ts'), 'export const answer = 42;\n');
    await writeFile(path.join(repo, 'src/staged.ts'), 'export {};\n');
    git(repo, 'add', 'src/staged.ts');
    await writeFile(path.join(repo, 'notes.txt'), 'todo\n');
    await mkdir(path.join(repo, 'build'));
    await writeFile(path.join(repo, 'build/out.js'), 'ignored\n');
    const [part] = (await diffSnapshot()).parts;
    assert.ok(part);
    assert.match(part.content, /^diff --git a\/src\/app\.ts b\/src\/app\.ts/);
    assert.match(part.content, /-export const answer = 41;\n\+export const answer = 42;/);
    assert.match(part.content, /\+\+\+ b\/src\/staged\.ts/);
    assert.match(part.content, /\nUntracked files:\n {2}notes\.txt\n$/);
    assert.doesNotMatch(part.content, /build/);
    assert.equal(part.hash, sha256(part.content));
  });

  it('stays fresh while nothing changes', async () => {
    await writeFile(path.join(repo, 'src/app.ts'), 'export const answer = 42;\n');
    const snapshot = await diffSnapshot();
    assert.deepEqual(await checkSnapshot(snapshot), { fresh: true, changed: [] });
  });

  it('detects an edit to a tracked file', async () => {
    const snapshot = await diffSnapshot();
    await writeFile(path.join(repo, 'src/app.ts'), 'export const answer = 43;\n');
    assert.deepEqual(await checkSnapshot(snapshot), {
      fresh: false,
      changed: [{ id: 'git-diff', kind: 'gitDiff', reason: 'differs', detail: 'the uncommitted changes differ' }],
    });
  });

  it('detects a new untracked file, and a commit that empties the diff again', async () => {
    const clean = await diffSnapshot();
    await writeFile(path.join(repo, 'src/new.ts'), 'export {};\n');
    assert.equal((await checkSnapshot(clean)).fresh, false);
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'add new');
    assert.equal((await checkSnapshot(clean)).fresh, true);
  });

  it('limits the diff to the workspace when the workspace is a subfolder of the repository', async () => {
    await writeFile(path.join(repo, '.gitignore'), 'build/\ndist/\n');
    await writeFile(path.join(repo, 'src/app.ts'), 'export const answer = 42;\n');
    await writeFile(path.join(repo, 'src/extra.ts'), 'x\n');
    const [part] = (await buildSnapshot({ workspace: path.join(repo, 'src'), reads: ['gitDiff'] })).parts;
    assert.match(part?.content ?? '', /^diff --git a\/app\.ts b\/app\.ts/);
    assert.doesNotMatch(part?.content ?? '', /gitignore/);
    assert.match(part?.content ?? '', /Untracked files:\n {2}extra\.ts\n$/);
  });

  it('reads a repository without commits against the empty tree', async () => {
    const fresh = path.join(root, 'fresh');
    await mkdir(fresh);
    git(fresh, 'init', '--quiet');
    await writeFile(path.join(fresh, 'a.txt'), 'hello\n');
    git(fresh, 'add', 'a.txt');
    await writeFile(path.join(fresh, 'b.txt'), 'untracked\n');
    const [part] = (await buildSnapshot({ workspace: fresh, reads: ['gitDiff'] })).parts;
    assert.match(part?.content ?? '', /\+\+\+ b\/a\.txt\n@@ -0,0 \+1 @@\n\+hello\n/);
    assert.match(part?.content ?? '', /Untracked files:\n {2}b\.txt\n$/);
  });

  it('refuses a folder that is not a git repository, clearly', async () => {
    const plain = path.join(root, 'plain');
    await mkdir(plain);
    await assert.rejects(buildSnapshot({ workspace: plain, reads: ['gitDiff'] }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'E_CONTEXT_NOT_GIT');
      assert.match(error.message, new RegExp(`^${plain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not inside a git repository`));
      return true;
    });
  });

  it('refuses a diff over the size limit', async () => {
    await writeFile(path.join(repo, 'src/app.ts'), `${'x'.repeat(5000)}\n`);
    await assert.rejects(buildSnapshot({ workspace: repo, reads: ['gitDiff'], limits: { maxDiffBytes: 1000 } }), {
      code: 'E_CONTEXT_TOO_LARGE',
      message: 'git-diff is more than the 1,000 bytes limit for workflow context',
    });
  });

  it('reports a snapshot whose repository disappeared as changed, with the reason', async () => {
    const snapshot = await diffSnapshot();
    await rm(path.join(repo, '.git'), { recursive: true, force: true });
    const check = await checkSnapshot(snapshot);
    assert.equal(check.fresh, false);
    assert.match(check.changed[0]?.detail ?? '', /is not inside a git repository/);
  });

  it('feeds summarize-changes end to end: snapshot, render context, prompt', async () => {
    await writeFile(path.join(repo, 'src/app.ts'), 'export const answer = 42;\n');
    const workflow = findWorkflow(BUILTIN_WORKFLOWS, 'summarize-changes');
    assert.ok(workflow);
    const snapshot = await buildSnapshot({ workspace: repo, reads: workflow.reads });
    const prompt = renderWorkflow(workflow, { args: [], inputs: {} }, renderContextFromSnapshot(snapshot));
    assert.match(prompt, /<diff>\ndiff --git a\/src\/app\.ts[\s\S]*\+export const answer = 42;\n\n<\/diff>/);
  });
});
