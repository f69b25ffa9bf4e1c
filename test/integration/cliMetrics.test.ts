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

/** The value of one sample line of an exposition, by metric name and exact label set. */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of exposition.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if ((match[2] ?? '').split(',').filter(Boolean).sort().join(',') === wanted) return Number(match[3]);
  }
  return undefined;
}

describe('claude-cache metrics (built dist/cli.js)', function () {
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
    root = await mkdtemp(join(tmpdir(), 'cli-metrics-'));
    workspace = join(root, 'workspace');
    await mkdir(workspace, { recursive: true });
  });

  after(async () => {
    await fake?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('prints the exposition once, with totals that add up over earlier CLI processes', async () => {
    const first = JSON.parse((await cliRun(['run', 'explain-selection', '--selection', 'x = 1', '--json'])).stdout);
    await cliRun(['run', 'explain-selection', '--selection', 'x = 1', '--json']);
    await cliRun(['run', 'explain-selection', '--selection', 'x = 1', '--json']);
    assert.equal(fake.calls, 1);

    const { stdout } = await cliRun(['metrics']);
    assert.match(stdout, /^# HELP claude_cache_/m);
    assert.match(stdout, /^# TYPE claude_cache_lookups_total counter$/m);
    assert.equal(sample(stdout, 'claude_cache_lookups_total', { layer: 'result', result: 'miss' }), 1);
    assert.equal(sample(stdout, 'claude_cache_lookups_total', { layer: 'result', result: 'hit' }), 2);
    assert.equal(sample(stdout, 'claude_cache_tier_hits_total', { tier: 'surreal' }), 6, 'prompt, context, result of two later processes');
    assert.equal(sample(stdout, 'claude_cache_upstream_calls_total'), 1);
    assert.equal(sample(stdout, 'claude_cache_avoided_calls_total'), 2);
    assert.equal(sample(stdout, 'claude_cache_spent_usd_total'), first.costUsd);
    assert.ok(Math.abs((sample(stdout, 'claude_cache_saved_usd', { source: 'local_hit' }) ?? 0) - 2 * first.costUsd) < 1e-12);
    assert.equal(sample(stdout, 'claude_cache_tier_status', { tier: 'redis', status: 'off' }), 1);
  });

  it('is listed in the help', async () => {
    const { stdout } = await run(process.execPath, [cli, '--help']);
    assert.match(stdout, /claude-cache metrics/);
  });
});
