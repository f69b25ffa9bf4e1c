import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import { createLogger } from '../../src/core/logger';
import type { LookupTrace, TraceStep } from '../../src/core/trace';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';

function step(trace: LookupTrace | undefined, layer: string): TraceStep {
  const found = trace?.steps.find((candidate) => candidate.layer === layer);
  assert.ok(found, `the trace has a ${layer} step`);
  return found;
}

function tiersOf(step: TraceStep): string[] {
  return step.tiers.map((probe) => `${probe.tier}:${probe.outcome}`);
}

describe('Lookup trace of a workflow run (real engine, Redis, embedded SurrealDB, fake Claude API)', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let redis: RedisServerHandle;
  let root: string;
  let workspace: string;
  let storage: string;
  const engines: CacheEngine[] = [];
  const logLines: string[] = [];

  async function open(): Promise<CacheEngine> {
    const { config } = resolveConfig(
      objectReader({ apiBaseUrl: fake.url, storageDir: storage, model: 'claude-sonnet-5-5', 'redis.url': redis.url, 'surreal.url': 'mem://' }),
    );
    const engine = await CacheEngine.open({
      config,
      apiKey: 'test-key',
      logger: createLogger((level, message) => logLines.push(`${level}: ${message}`)),
    });
    engines.push(engine);
    return engine;
  }

  before(async () => {
    fake = await startFakeAnthropic();
    redis = await startRedisServer();
    root = await mkdtemp(join(tmpdir(), 'trace-'));
    workspace = join(root, 'workspace');
    storage = join(root, 'storage');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await writeFile(join(workspace, 'src', 'math.ts'), 'export const add = (a: number, b: number) => a + b;\n');
  });

  after(async () => {
    for (const engine of engines) await engine.close();
    await fake?.close();
    await redis?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('traces a first run: every layer missed every tier, with latencies of the shared tiers and the reason', async () => {
    const engine = await open();
    const result = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'let traced = 1;' });
    const trace = result.trace;
    assert.ok(trace);
    assert.equal(trace.runId, result.runId);
    assert.equal(trace.workflow, 'explain-selection');
    assert.equal(trace.cached, false);
    assert.deepEqual(
      trace.steps.map((s) => s.layer),
      result.steps.map((s) => s.layer),
    );
    const answer = step(trace, 'result');
    assert.equal(answer.outcome, 'miss');
    assert.equal(answer.source, 'compute');
    assert.deepEqual(tiersOf(answer), ['memory:miss', 'redis:miss', 'surreal:miss']);
    assert.equal(answer.tiers[0]?.ms, undefined, 'memory reads are not timed');
    for (const probe of answer.tiers.slice(1)) assert.ok(typeof probe.ms === 'number' && probe.ms >= 0);
    assert.match(answer.why, /not cached in any tier/);
    assert.ok(answer.ms > 0);
    assert.ok(trace.totalMs >= answer.ms);
    assert.equal(engine.lastRun, result);
  });

  it('traces a repeat run as memory hits, and logs each trace at debug level', async () => {
    const engine = engines[0] as CacheEngine;
    logLines.length = 0;
    const result = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'let traced = 1;' });
    assert.equal(result.trace?.cached, true);
    for (const traced of result.trace?.steps ?? []) {
      assert.equal(traced.outcome, 'hit');
      assert.deepEqual(tiersOf(traced), ['memory:hit']);
      assert.equal(traced.why, 'held in memory');
    }
    const logged = logLines.find((line) => line.startsWith('debug: [trace] trace of explain-selection: answered from the cache'));
    assert.ok(logged, logLines.join('\n'));
    assert.match(logged, /result: hit from memory in [\d.]+ ms; memory hit; held in memory/);
  });

  it('says which shared tier answered when memory is cold (another window, a restart)', async () => {
    const second = await open();
    const result = await second.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'let traced = 1;' });
    const answer = step(result.trace, 'result');
    assert.equal(answer.source, 'redis');
    assert.deepEqual(tiersOf(answer), ['memory:miss', 'redis:hit']);
    assert.match(answer.why, /found in Redis, copied into memory/);
  });

  it('explains a miss by what changed: the file the snapshot read, then the result that depends on it', async () => {
    const engine = engines[0] as CacheEngine;
    await engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/math.ts' });
    await writeFile(join(workspace, 'src', 'math.ts'), 'export const add = (a: number, b: number) => b + a;\n');
    const result = await engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/math.ts' });
    const context = step(result.trace, 'context');
    assert.equal(context.outcome, 'miss');
    assert.deepEqual(tiersOf(context).slice(0, 1), ['memory:stale']);
    assert.match(context.why, /out of date: src\/math\.ts was modified/);
    const answer = step(result.trace, 'result');
    assert.equal(answer.outcome, 'miss');
    assert.match(answer.why, /src\/math\.ts was modified/);
  });

  it('says a fresh answer was asked for', async () => {
    const engine = engines[0] as CacheEngine;
    const result = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'let traced = 1;', fresh: true });
    assert.equal(step(result.trace, 'result').why, 'a fresh answer was asked for');
  });
});
