import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSnapshot } from '../../../src/core/context';
import { checkFilePart } from '../../../src/core/context/filePart';
import { OutsideWorkspaceError, isInsideFolder, realPathInWorkspace } from '../../../src/core/pathContainment';
import { BUILTIN_WORKFLOWS, discoverWorkflows } from '../../../src/core/workflows';

const SECRET = 'PRIVATE-KEY-MATERIAL-outside-the-workspace';

describe('isInsideFolder', () => {
  it('accepts the folder and what is below it, and nothing beside or above it', () => {
    assert.equal(isInsideFolder('/w/project', '/w/project'), true);
    assert.equal(isInsideFolder('/w/project', '/w/project/src/a.ts'), true);
    assert.equal(isInsideFolder('/w/project', '/w/project/..notes/a.md'), true, '"..notes" is a name, not a step up');
    assert.equal(isInsideFolder('/w/project', '/w/project-evil/a.ts'), false, 'a sibling sharing the prefix');
    assert.equal(isInsideFolder('/w/project', '/w'), false);
    assert.equal(isInsideFolder('/w/project', '/etc/passwd'), false);
  });
});

describe('files a workflow reads stay in the workspace, links followed', () => {
  let root: string;
  let workspace: string;
  let outside: string;

  beforeEach(async () => {
    // Real from the start (macOS's tmpdir is itself a link), so expected paths can be written plainly.
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'containment-')));
    workspace = path.join(root, 'workspace');
    outside = path.join(root, 'outside');
    await mkdir(path.join(workspace, 'src'), { recursive: true });
    await mkdir(outside);
    await writeFile(path.join(outside, 'id_rsa'), `${SECRET}\n`);
    await writeFile(path.join(workspace, 'src', 'a.ts'), 'export const a = 1;\n');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('realPathInWorkspace', () => {
    it('returns the real path of a file inside, also through a link that stays inside', async () => {
      await symlink(path.join(workspace, 'src', 'a.ts'), path.join(workspace, 'alias.ts'));
      assert.equal(await realPathInWorkspace(workspace, 'src/a.ts'), path.join(workspace, 'src', 'a.ts'));
      assert.equal(await realPathInWorkspace(workspace, 'alias.ts'), path.join(workspace, 'src', 'a.ts'));
    });

    it('accepts a workspace that is itself reached through a link', async () => {
      const linked = path.join(root, 'linked-workspace');
      await symlink(workspace, linked, 'dir');
      assert.equal(await realPathInWorkspace(linked, path.join(linked, 'src', 'a.ts')), path.join(workspace, 'src', 'a.ts'));
    });

    it('refuses a link to a file outside, a link to a folder outside, ../ and an absolute path outside', async () => {
      await symlink(path.join(outside, 'id_rsa'), path.join(workspace, 'src', 'notes.md'));
      await symlink(outside, path.join(workspace, 'vendor'), 'dir');
      for (const target of ['src/notes.md', 'vendor/id_rsa', '../outside/id_rsa', path.join(outside, 'id_rsa')]) {
        await assert.rejects(realPathInWorkspace(workspace, target), (error: unknown) => {
          assert.ok(error instanceof OutsideWorkspaceError, target);
          assert.equal(error.code, 'E_OUTSIDE_WORKSPACE');
          assert.equal(error.resolved, path.join(outside, 'id_rsa'));
          return true;
        });
      }
      await assert.rejects(realPathInWorkspace(workspace, 'src/notes.md'), {
        message: `src/notes.md leads through a symbolic link to ${path.join(outside, 'id_rsa')}, outside the workspace ${workspace}; only files inside the workspace are read`,
      });
      await assert.rejects(realPathInWorkspace(workspace, '../outside/id_rsa'), { message: /^\.\.\/outside\/id_rsa is outside the workspace / });
    });

    it('lets realpath errors through, so a missing file stays "no such file"', async () => {
      await assert.rejects(realPathInWorkspace(workspace, 'nope.ts'), { code: 'ENOENT' });
    });
  });

  describe('context files (buildSnapshot, checkFilePart)', () => {
    it('refuses a context file that links out of the workspace, without reading it', async () => {
      await symlink(path.join(outside, 'id_rsa'), path.join(workspace, 'src', 'notes.md'));
      await assert.rejects(buildSnapshot({ workspace, reads: ['file'], filePath: 'src/notes.md' }), {
        code: 'E_OUTSIDE_WORKSPACE',
        message: /^src\/notes\.md leads through a symbolic link to .*outside the workspace/,
      });
    });

    it('refuses ../ and absolute paths outside the workspace', async () => {
      await assert.rejects(buildSnapshot({ workspace, reads: ['file'], filePath: '../outside/id_rsa' }), { code: 'E_OUTSIDE_WORKSPACE' });
      await assert.rejects(buildSnapshot({ workspace, reads: ['file'], filePath: path.join(outside, 'id_rsa') }), { code: 'E_OUTSIDE_WORKSPACE' });
    });

    it('still reads a file inside, by its workspace-relative id', async () => {
      const snapshot = await buildSnapshot({ workspace, reads: ['file'], filePath: path.join(workspace, 'src', 'a.ts') });
      assert.equal(snapshot.parts[0]?.id, 'src/a.ts');
      assert.equal(snapshot.parts[0]?.content, 'export const a = 1;\n');
    });

    it('counts a snapshotted file replaced by a link out of the workspace as changed, same size or not', async () => {
      await writeFile(path.join(outside, 'same-size.ts'), 'export const b = 2;\n');
      const snapshot = await buildSnapshot({ workspace, reads: ['file'], filePath: 'src/a.ts' });
      const part = snapshot.parts[0]!;
      await unlink(path.join(workspace, 'src', 'a.ts'));
      await symlink(path.join(outside, 'same-size.ts'), path.join(workspace, 'src', 'a.ts'));
      assert.deepEqual(await checkFilePart(workspace, part), {
        id: 'src/a.ts',
        kind: 'file',
        reason: 'differs',
        detail: 'now leads outside the workspace',
      });
    });
  });

  describe('workflow files (discoverWorkflows)', () => {
    it('refuses a workflow file linked to a file outside, listing it as a problem and never reading it', async () => {
      await mkdir(path.join(workspace, '.claude', 'commands'), { recursive: true });
      await mkdir(path.join(workspace, '.github', 'prompts'), { recursive: true });
      await symlink(path.join(outside, 'id_rsa'), path.join(workspace, '.claude', 'commands', 'review.md'));
      await symlink(path.join(outside, 'id_rsa'), path.join(workspace, '.github', 'prompts', 'leak.prompt.md'));
      await writeFile(path.join(workspace, '.claude', 'commands', 'fine.md'), 'Fine $1.');
      const { workflows, problems } = await discoverWorkflows(workspace);
      assert.deepEqual(
        problems.map((problem) => [problem.file, problem.severity]),
        [
          ['.claude/commands/review.md', 'error'],
          ['.github/prompts/leak.prompt.md', 'error'],
        ],
      );
      assert.match(problems[0]!.message, /^leads through a symbolic link to .*id_rsa, outside the workspace .*; workflow files must be inside it, so it was not read$/);
      assert.deepEqual(
        workflows.map((workflow) => workflow.name).filter((name) => !BUILTIN_WORKFLOWS.some((builtin) => builtin.name === name)),
        ['fine'],
      );
      assert.ok(!JSON.stringify(workflows).includes(SECRET));
    });

    it('refuses a commands folder linked to a folder outside, with one problem for the folder', async () => {
      await writeFile(path.join(outside, 'deploy.md'), `Deploy. ${SECRET}`);
      await mkdir(path.join(workspace, '.claude', 'commands'), { recursive: true });
      await symlink(outside, path.join(workspace, '.claude', 'commands', 'team'), 'dir');
      const { workflows, problems } = await discoverWorkflows(workspace);
      assert.deepEqual(
        problems.map((problem) => [problem.file, problem.severity]),
        [['.claude/commands/team', 'error']],
      );
      assert.match(problems[0]!.message, /so none in it were read$/);
      assert.equal(workflows.length, BUILTIN_WORKFLOWS.length);
      assert.ok(!JSON.stringify(workflows).includes(SECRET));
    });

    it('refuses the whole .claude/commands folder when it links out of the workspace', async () => {
      await writeFile(path.join(outside, 'deploy.md'), `Deploy. ${SECRET}`);
      await mkdir(path.join(workspace, '.claude'), { recursive: true });
      await symlink(outside, path.join(workspace, '.claude', 'commands'), 'dir');
      const { workflows, problems } = await discoverWorkflows(workspace);
      assert.deepEqual(problems.map((problem) => problem.file), ['.claude/commands']);
      assert.equal(workflows.length, BUILTIN_WORKFLOWS.length);
    });
  });
});
