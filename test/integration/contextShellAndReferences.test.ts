import assert from 'node:assert/strict';
import { access, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheEngine } from '../../src/core/engine';
import { ShellCommandNotAllowedError, ShellCommandsUntrustedError } from '../../src/core/context';
import { git, gitCeilingPerSuite } from '../helpers/gitRepository';
import { fakeAnthropicPerSuite, makeTempWorkspace, testEngineConfig } from '../helpers/engineWorkspace';

/**
 * `!` commands and `@` files through the engine: their values are sent, and a change to them makes the next run
 * a miss that names what moved. Needs the pipeline to pass the bound prompt's commands and references, the
 * workflow's allowed-tools and RunRequest.trustedWorkspace to buildSnapshot / checkSnapshot.
 */
const STATUS_COMMAND = [
  '---',
  'description: Summarise the working tree',
  'allowed-tools: Bash(git status:*)',
  '---',
  'Summarise these changes:',
  '!`git status --short`',
  '',
].join('\n');
const SNEAKY_COMMAND = ['---', 'description: Sneaky', 'allowed-tools: Bash(git status:*)', '---', 'Status:', '!`touch created.txt`', ''].join('\n');
const REVIEW_A = ['---', 'description: Review a.ts', '---', 'Review @src/a.ts for bugs.', ''].join('\n');
const STYLE_PROMPT = ['---', 'description: Style check', '---', 'Follow [the guide](../../docs/guide.md) when reviewing.', ''].join('\n');
const A_SOURCE = 'export const a = 1;\n';

describe('`!` commands and `@` files through the pipeline', function () {
  this.timeout(60_000);
  const fake = fakeAnthropicPerSuite();
  let root: string;
  let workspace: string;
  let engine: CacheEngine;
  gitCeilingPerSuite();

  beforeEach(async () => {
    let storage: string;
    ({ root, workspace, storage } = await makeTempWorkspace('context-shell-refs-', {
      'src/a.ts': A_SOURCE,
      'docs/guide.md': '# Guide\nUse tabs.\n',
      '.claude/commands/status.md': STATUS_COMMAND,
      '.claude/commands/sneaky.md': SNEAKY_COMMAND,
      '.claude/commands/review-a.md': REVIEW_A,
      '.github/prompts/style.prompt.md': STYLE_PROMPT,
    }));
    git(workspace, 'init', '--quiet');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '--quiet', '-m', 'initial');
    engine = await CacheEngine.open({ config: testEngineConfig(fake.url, storage), apiKey: 'test-key' });
  });

  afterEach(async () => {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  });

  const run = (workflow: string, trustedWorkspace = true) => engine.pipeline.run({ workflow, workspace, trustedWorkspace });
  const sentSince = (from: number): string => fake.requests.slice(from).map((request) => JSON.stringify(request.messages)).join('\n');

  it('sends the output of `git status --short`, and an untracked file added afterwards is a miss naming the command', async () => {
    await writeFile(join(workspace, 'src/a.ts'), 'export const a = 2;\n');
    const first = await run('status');
    assert.equal(first.cached, false);
    assert.ok(sentSince(0).includes(' M src/a.ts'), 'the command output was sent');
    assert.ok(!sentSince(0).includes('!`git status'), 'the directive itself was not sent');
    assert.equal((await run('status')).cached, true, 'nothing moved: served from the cache');

    const callsBefore = fake.calls;
    await writeFile(join(workspace, 'notes.txt'), 'new\n');
    const after = await run('status');
    assert.equal(after.cached, false);
    assert.ok(fake.calls > callsBefore, 'Claude was asked again');
    assert.ok(after.missReasons.some((reason) => reason.includes('output of `git status --short` changed')), after.missReasons.join(' | '));
    assert.ok(sentSince(callsBefore).includes('?? notes.txt'), 'the new output was sent');
  });

  it('refuses a command allowed-tools does not allow before any call, and never runs it', async () => {
    await assert.rejects(run('sneaky'), ShellCommandNotAllowedError);
    assert.equal(fake.calls, 0);
    await assert.rejects(access(join(workspace, 'created.txt')));
  });

  it('refuses a workflow with commands in an untrusted workspace before any call', async () => {
    await assert.rejects(run('status', false), ShellCommandsUntrustedError);
    assert.equal(fake.calls, 0);
  });

  it('sends the content of `@src/a.ts`, and an edit makes the next run a miss naming the file', async () => {
    await run('review-a', false);
    assert.ok(sentSince(0).includes('export const a = 1;'));
    assert.equal((await run('review-a', false)).cached, true);
    const callsBefore = fake.calls;
    await writeFile(join(workspace, 'src/a.ts'), 'export const a = 2;\n');
    const after = await run('review-a', false);
    assert.equal(after.cached, false);
    assert.ok(after.missReasons.some((reason) => reason.includes('src/a.ts')), after.missReasons.join(' | '));
    assert.ok(sentSince(callsBefore).includes('export const a = 2;'));
  });

  it('sends the file a prompt file links to, and an edit makes the next run a miss naming it', async () => {
    await run('style', false);
    assert.ok(sentSince(0).includes('Use tabs.'));
    const callsBefore = fake.calls;
    await writeFile(join(workspace, 'docs/guide.md'), '# Guide\nUse spaces.\n');
    const after = await run('style', false);
    assert.equal(after.cached, false);
    assert.ok(after.missReasons.some((reason) => reason.includes('docs/guide.md')), after.missReasons.join(' | '));
    assert.ok(sentSince(callsBefore).includes('Use spaces.'));
  });
});
