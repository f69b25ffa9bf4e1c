import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startFakeAnthropic, type FakeAnthropic } from '../fixtures/fakeAnthropic';

const run = promisify(execFile);
const repo = resolve(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');

describe('claude-cache run --trace (built dist/cli.js)', function () {
  this.timeout(120_000);
  let fake: FakeAnthropic;
  let root: string;
  let workspace: string;

  async function cliRun(args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run(process.execPath, [cli, ...args, '--workspace', workspace], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: root,
        ANTHROPIC_API_KEY: 'test-key',
        ANTHROPIC_BASE_URL: fake.url,
        CLAUDE_CACHE_STORAGE_DIR: join(root, 'storage'),
      },
    });
  }

  before(async () => {
    await run(process.execPath, [join(repo, 'esbuild.mjs')], { cwd: repo });
    fake = await startFakeAnthropic();
    root = await mkdtemp(join(tmpdir(), 'cli-trace-'));
    workspace = join(root, 'workspace');
    await mkdir(workspace, { recursive: true });
  });

  after(async () => {
    await fake?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('prints the trace on stderr after the answer, one line per lookup', async () => {
    const { stdout, stderr } = await cliRun(['run', 'explain-selection', '--selection', 'y = 2', '--trace']);
    assert.match(stdout, /^Fake Claude answer to:/);
    assert.doesNotMatch(stdout, /trace of/);
    assert.match(stderr, /^trace of explain-selection: called Claude in [\d.]+ ms \(run [0-9a-f-]+, /m);
    assert.match(stderr, /^ {2}result: miss from compute in [\d.]+ ms; memory miss, SurrealDB miss \([\d.]+ ms\); not cached in any tier/m);
  });

  it('adds the trace to --json only when asked, so the documented object stays as it was', async () => {
    const plain = JSON.parse((await cliRun(['run', 'explain-selection', '--selection', 'y = 2', '--json'])).stdout);
    assert.equal(plain.trace, undefined);
    const traced = JSON.parse((await cliRun(['run', 'explain-selection', '--selection', 'y = 2', '--json', '--trace'])).stdout);
    assert.equal(traced.cached, true);
    const result = traced.trace.steps.find((step: { layer: string }) => step.layer === 'result');
    assert.equal(result.source, 'surreal');
    assert.deepEqual(
      result.tiers.map((probe: { tier: string; outcome: string }) => `${probe.tier}:${probe.outcome}`),
      ['memory:miss', 'surreal:hit'],
    );
    assert.equal(result.why, 'found in SurrealDB, copied into memory');
  });
});
