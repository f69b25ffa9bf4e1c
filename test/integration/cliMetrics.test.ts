import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { builtCliPath, openCliSandbox, type CliSandbox } from '../helpers/builtCli';
import { sample } from '../helpers/prometheusSample';

const run = promisify(execFile);

describe('claude-cache metrics (built dist/cli.js)', function () {
  this.timeout(120_000);
  let sandbox: CliSandbox;
  const cliRun = (args: string[]) => sandbox.run(args);

  before(async () => {
    sandbox = await openCliSandbox('cli-metrics-');
  });

  after(async () => {
    await sandbox?.close();
  });

  it('prints the exposition once, with totals that add up over earlier CLI processes', async () => {
    const first = JSON.parse((await cliRun(['run', 'explain-selection', '--selection', 'x = 1', '--json'])).stdout);
    await cliRun(['run', 'explain-selection', '--selection', 'x = 1', '--json']);
    await cliRun(['run', 'explain-selection', '--selection', 'x = 1', '--json']);
    assert.equal(sandbox.fake.calls, 1);

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
    const { stdout } = await run(process.execPath, [builtCliPath, '--help']);
    assert.match(stdout, /claude-cache metrics/);
  });
});
