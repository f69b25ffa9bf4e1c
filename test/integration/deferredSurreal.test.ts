import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheEngine } from '../../src/core/engine';
import { fakeAnthropicPerSuite, makeTempWorkspace, MATH_SOURCE, testEngineConfig } from '../helpers/engineWorkspace';

/**
 * An engine opened with oneShot (the CLI's) answers a hit without opening the embedded SurrealDB: every
 * layer from the entry files, the run's usage record into the spool; the next engine that opens SurrealDB moves
 * the spooled records into the usage log. A miss opens it and runs as usual.
 */
describe('Engine with SurrealDB opened on first need (the CLI)', function () {
  this.timeout(60_000);
  const fake = fakeAnthropicPerSuite();
  let root: string;
  let workspace: string;
  let storage: string;

  const open = (defer: boolean, settings: Record<string, unknown> = {}, onProblem?: (problem: { message: string }) => void) =>
    CacheEngine.open({
      config: testEngineConfig(fake.url, storage, settings),
      apiKey: 'test-key',
      ...(defer ? { oneShot: true } : {}),
      ...(onProblem ? { onProblem } : {}),
    });
  const review = (engine: CacheEngine) => engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/math.ts' });

  beforeEach(async () => {
    ({ root, workspace, storage } = await makeTempWorkspace('deferred-surreal-', { 'src/math.ts': MATH_SOURCE }));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('answers a hit from the entry files and spools its usage record; the next open moves it into the log', async () => {
    const filler = await open(false);
    const paid = await review(filler);
    await filler.close();
    assert.equal(paid.cached, false);

    const cli = await open(true);
    const hit = await review(cli);
    assert.equal(hit.cached, true);
    assert.equal(hit.text, paid.text);
    assert.match(cli.surrealReach ?? '', /not opened yet/);
    await cli.close();
    assert.equal(fake.calls, paid.upstreamCalls, 'the hit called nobody');
    assert.equal((await readdir(join(storage, 'usage-spool'))).filter((name) => name.endsWith('.spool')).length, 1);

    const editor = await open(false);
    try {
      const records = await editor.tuning.log.read({});
      assert.deepEqual(
        records.map((record) => record.upstreamCalls),
        [0, paid.upstreamCalls],
        'the spooled hit and the paid run, newest first',
      );
      assert.deepEqual(await readdir(join(storage, 'usage-spool')), [], 'the spool was emptied');
    } finally {
      await editor.close();
    }
  });

  it('opens SurrealDB on a miss and stores the answer there, the opening not cut short by the tier timeout', async () => {
    // Starting the embedded engine in a process takes 150-500 ms on the bench machine, queries a few: the lookup
    // that waits for the start must not count as a slow tier.
    const problems: string[] = [];
    const cli = await open(true, { 'tiers.timeoutMs': 100 }, (problem) => problems.push(problem.message));
    const paid = await review(cli);
    assert.equal(paid.cached, false);
    assert.doesNotMatch(cli.surrealReach ?? '', /not opened yet/);
    await cli.close();
    assert.deepEqual(problems, []);
    const editor = await open(false);
    try {
      assert.equal((await review(editor)).cached, true, 'found in SurrealDB by an engine that opened it');
    } finally {
      await editor.close();
    }
  });
});
