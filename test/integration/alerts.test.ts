import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { ManualClock } from '../../src/core/clock';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import { makeTempWorkspace, runCliCaptured } from '../helpers/engineWorkspace';

describe('Alerts in stats (real engine, embedded SurrealDB)', function () {
  this.timeout(60_000);
  let root: string;
  let workspace: string;
  let storage: string;

  const cli = (args: string[]) =>
    runCliCaptured([...args, '--workspace', workspace], { env: { CLAUDE_CACHE_STORAGE_DIR: storage, HOME: root }, cwd: root });

  before(async () => {
    ({ root, workspace, storage } = await makeTempWorkspace('alerts-'));
  });

  after(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('lists no alert while the counts are too few to judge, then the layer that misses too often', async () => {
    const { config } = resolveConfig(objectReader({ storageDir: storage }));
    const clock = new ManualClock();
    const engine = await CacheEngine.open({ config, clock });
    try {
      for (let i = 0; i < 5; i++) await engine.cache.getOrCompute('result', `answer-${i}`, () => `computed ${i}`);
      assert.deepEqual((await engine.stats()).alerts, [], 'five misses at startup are no alert');

      for (let i = 5; i < 25; i++) await engine.cache.getOrCompute('result', `answer-${i}`, () => `computed ${i}`);
      await engine.cache.getOrCompute('result', 'answer-0', () => 'not called');
      const alerts = (await engine.stats()).alerts ?? [];
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]?.kind, 'hitRate');
      assert.equal(alerts[0]?.subject, 'result');
      assert.equal(alerts[0]?.message, 'result layer hit rate is 3.8 % over 26 lookups, below its 70 % target');
      assert.deepEqual(engine.alerts.active(), alerts);
    } finally {
      await engine.close();
    }
  });

  it('shows the same alert in a later `claude-cache stats --json` (additive `alerts` field) and in plain `stats`', async () => {
    const json = await cli(['stats', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const stats = JSON.parse(json.stdout);
    assert.ok(stats.layers && stats.tiers && stats.cost, 'the documented fields are still there');
    assert.deepEqual(
      stats.alerts.map((alert: { kind: string; subject: string }) => `${alert.kind}:${alert.subject}`),
      ['hitRate:result'],
    );
    const text = await cli(['stats']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^alerts \(1\):\n {2}! result layer hit rate is 3\.8 % over 26 lookups, below its 70 % target$/m);
  });
});
