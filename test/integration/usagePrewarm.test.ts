import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { CacheEngine } from '../../src/core/engine';
import { fakeAnthropicPerSuite, makeTempWorkspace, MATH_SOURCE, testEngineConfig } from '../helpers/engineWorkspace';

const HOUR = 3_600_000;

describe('Usage log and prewarm from usage (engine, embedded SurrealDB, fake Claude)', function () {
  this.timeout(60_000);
  const fake = fakeAnthropicPerSuite();
  let root: string;
  let workspace: string;
  let clock: ManualClock;
  let engine: CacheEngine;

  async function openEngine(settings: Record<string, unknown> = {}, extra: { encryptionKey?: string } = {}) {
    // These tests expire answers by moving the clock 13 h, so they use the seeds' TTLs (module 12 h, result 1 h),
    // not the shipped 30 days.
    const expiring = { 'layers.module.ttlSeconds': 12 * 3600, 'layers.result.ttlSeconds': 3600, ...settings };
    return CacheEngine.open({ config: testEngineConfig(fake.url, join(root, 'storage'), expiring), apiKey: 'test-key', clock, ...extra });
  }

  const review = (file = 'src/math.ts') => engine.pipeline.run({ workflow: 'review-file', workspace, filePath: file });

  beforeEach(async () => {
    clock = new ManualClock();
    ({ root, workspace } = await makeTempWorkspace('usage-prewarm-', {
      'src/math.ts': MATH_SOURCE,
      'src/other.ts': `${MATH_SOURCE}// other\n`,
    }));
  });

  afterEach(async () => {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  });

  it('records every run in SurrealDB, never the selection text, and reads the records back after a reopen', async () => {
    engine = await openEngine();
    assert.equal(engine.tuning.log.storeKind, 'surreal');
    await review();
    clock.advance(1_000);
    await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'const hidden = 42;' });
    await engine.close();

    engine = await openEngine();
    const records = await engine.tuning.log.read({ workspace });
    assert.deepEqual(records.map((r) => r.workflow), ['explain-selection', 'review-file']);
    const [explain, reviewed] = records as [(typeof records)[0], (typeof records)[0]];
    assert.equal(explain.request.hadSelection, true);
    assert.ok(!JSON.stringify(records).includes('const hidden'));
    assert.equal(reviewed.request.file, 'src/math.ts');
    assert.ok(reviewed.upstreamCalls >= 1);
    assert.ok(typeof reviewed.costUsd === 'number' && reviewed.costUsd > 0);
    assert.deepEqual(
      reviewed.steps.filter((s) => s.layer === 'result').map((s) => s.outcome),
      ['compute'],
    );
    assert.ok(reviewed.steps.some((s) => s.layer === 'context'));
    const misses = reviewed.steps.filter((s) => s.outcome === 'compute');
    assert.ok(misses.length > 0 && misses.every((s) => typeof s.reason === 'string' && s.reason.length > 0), JSON.stringify(misses));
    const stats = await engine.stats();
    assert.equal(stats.tuning?.usageLog, 'surreal');
  });

  it('keeps the log in memory when SurrealDB is off', async () => {
    engine = await openEngine({ 'encryption.enabled': true });
    assert.equal(engine.tuning.log.storeKind, 'memory');
    await review();
    assert.equal((await engine.tuning.log.read({ workspace })).length, 1);
  });

  it('never calls Claude for an entry that is still fresh', async () => {
    engine = await openEngine();
    await review();
    const callsAfterRun = fake.calls;
    assert.ok(callsAfterRun >= 1);

    const report = await engine.prewarmFromUsage(workspace);
    assert.equal(report.candidates.length, 1);
    assert.equal(report.outcomes[0]?.result?.cached, true);
    assert.equal(report.upstreamCalls, 0);
    assert.equal(fake.calls, callsAfterRun, '0 upstream calls');
    assert.equal(report.stoppedBy, 'done');
  });

  it('re-runs the most often missed requests once they expired, so the next run is a hit', async () => {
    engine = await openEngine();
    await review('src/other.ts');
    clock.advance(13 * HOUR);
    await review(); // math.ts missed twice, other.ts once
    clock.advance(13 * HOUR);
    await review();
    clock.advance(13 * HOUR);

    const order: string[] = [];
    const report = await engine.prewarmFromUsage(workspace, {
      maxUsd: 10,
      onProgress: (_done, _total, outcome) => order.push(outcome.item.file ?? ''),
    });
    assert.deepEqual(order, ['src/math.ts', 'src/other.ts']);
    assert.ok(report.upstreamCalls >= 2);
    assert.ok(report.spentUsd > 0);

    const before = fake.calls;
    const after = await review();
    assert.equal(after.cached, true);
    assert.equal(fake.calls, before);
    const prewarmRuns = (await engine.tuning.log.read({ workspace })).filter((r) => r.origin === 'prewarm');
    assert.equal(prewarmRuns.length, 2, 'prewarm runs are logged as such');
  });

  it('stops before a run that would pass the dollar cap', async () => {
    engine = await openEngine({ 'prewarm.fromUsage.maxUsd': 0 });
    await review();
    clock.advance(13 * HOUR);
    const before = fake.calls;
    const report = await engine.prewarmFromUsage(workspace);
    assert.equal(report.stoppedBy, 'cap');
    assert.equal(report.outcomes.length, 0);
    assert.equal(report.skipped.length, 1);
    assert.match(report.skipped[0]?.reason ?? '', /cap of \$0\.00/);
    assert.equal(fake.calls, before);
  });

  it('runs nothing once cancelled', async () => {
    engine = await openEngine();
    await review();
    clock.advance(13 * HOUR);
    const before = fake.calls;
    const controller = new AbortController();
    controller.abort();
    const report = await engine.prewarmFromUsage(workspace, { signal: controller.signal });
    assert.equal(report.stoppedBy, 'cancelled');
    assert.equal(report.outcomes.length, 0);
    assert.equal(fake.calls, before);
  });
});
