import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { makeTempWorkspace, runCliCaptured } from '../helpers/engineWorkspace';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';

describe('claude-cache prewarm --from-usage (in process, embedded SurrealDB, fake Claude)', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let root: string;
  let workspace: string;
  let storage: string;

  const cli = (args: string[]) =>
    runCliCaptured([...args, '--workspace', workspace], {
      env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.url, CLAUDE_CACHE_STORAGE_DIR: storage },
      cwd: root,
    });

  before(async () => {
    fake = await startFakeAnthropic();
    ({ root, workspace, storage } = await makeTempWorkspace('cli-usage-', {
      'src/math.ts': 'export const add = (a: number, b: number) => a + b;\n',
    }));
  });

  after(async () => {
    await fake.close();
    await rm(root, { recursive: true, force: true });
  });

  it('says there is nothing to prewarm before any run', async () => {
    const outcome = await cli(['prewarm', '--from-usage']);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stderr, /nothing to prewarm: the usage log has no missed runs/);
  });

  it('re-runs what a previous CLI run missed, from the cache when it is still fresh (0 upstream calls)', async () => {
    const first = await cli(['run', 'review-file', '--file', 'src/math.ts', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const calls = fake.calls;
    const outcome = await cli(['prewarm', '--from-usage', '--json']);
    assert.equal(outcome.code, 0, outcome.stderr);
    const report = JSON.parse(outcome.stdout) as Record<string, unknown>;
    assert.deepEqual(
      { candidates: report.candidates, done: report.done, upstreamCalls: report.upstreamCalls, stoppedBy: report.stoppedBy, items: report.items },
      { candidates: 1, done: 1, upstreamCalls: 0, stoppedBy: 'done', items: [{ workflow: 'review-file', cached: true }] },
    );
    assert.equal(fake.calls, calls);
  });

  it('prints progress and the total without --json, and honours --max-usd', async () => {
    const outcome = await cli(['prewarm', '--from-usage', '--max-usd', '0']);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stderr, /prewarmed 0 of 1: 0 Claude calls, \$0\.00 \(stopped: cap\)/);
    assert.match(outcome.stderr, /skipped review-file: the cap of \$0\.00 would be passed/);
  });

  it('refuses a malformed --max-usd, and --max-usd without --from-usage', async () => {
    assert.equal((await cli(['prewarm', '--from-usage', '--max-usd', 'lots'])).code, 2);
    assert.equal((await cli(['prewarm', '--max-usd', '1'])).code, 2);
  });
});
