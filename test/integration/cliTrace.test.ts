import assert from 'node:assert/strict';
import { openCliSandbox, type CliSandbox } from '../helpers/builtCli';

describe('claude-cache run --trace (built dist/cli.js)', function () {
  this.timeout(120_000);
  let sandbox: CliSandbox;
  const cliRun = (args: string[]) => sandbox.run(args);

  before(async () => {
    sandbox = await openCliSandbox('cli-trace-');
  });

  after(async () => {
    await sandbox?.close();
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
