import assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/clock';
import { createLogger } from '../../../../src/core/logger';
import type { RunResult } from '../../../../src/core/pipeline';
import { MemoryUsageStore } from '../../../../src/core/usage/memoryUsageStore';
import { prewarmCandidates } from '../../../../src/core/usage/prewarmCandidates';
import { UsageLog } from '../../../../src/core/usage/usageLog';
import { requestIdentity, usageRecordOf, type UsageRecord } from '../../../../src/core/usage/usageRecord';
import type { UsageStore } from '../../../../src/core/usage/usageStore';

const MINUTE = 60_000;
const DAY = 86_400_000;

function record(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    at: 0,
    workspace: '/ws',
    workflow: 'review-file',
    model: 'claude-sonnet-5-5',
    request: { file: 'src/a.ts', args: [], inputs: {}, hadSelection: false },
    steps: [{ layer: 'result', key: 'k', outcome: 'compute' }],
    costUsd: 0.01,
    upstreamCalls: 1,
    durationMs: 5,
    prefixTokens: 1000,
    ...overrides,
  };
}

function runResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    runId: 'r',
    workflow: 'explain-selection',
    model: 'claude-sonnet-5-5',
    text: 'answer',
    cached: false,
    layer: null,
    usage: { inputTokens: 40, outputTokens: 10, cacheWrite5mTokens: 2000, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
    costUsd: 0.02,
    savedUsd: 0,
    upstreamCalls: 1,
    missReasons: ['src/a.ts was modified'],
    steps: [
      { layer: 'prompt', key: 'p1', source: 'memory' },
      { layer: 'module', key: 'm1', source: 'redis', module: 'outline' },
      { layer: 'result', key: 'r1', source: 'compute' },
    ],
    stopReason: 'end_turn',
    ...overrides,
  };
}

class FailingStore extends MemoryUsageStore {
  failing = true;
  override async append(records: readonly UsageRecord[]): Promise<void> {
    if (this.failing) throw new Error('disk full');
    return super.append(records);
  }
}

describe('usage record', () => {
  it('keeps what re-running needs and the outcome of every layer, never the selection text', () => {
    const result = runResult();
    const made = usageRecordOf(
      { workspace: '/ws', file: 'src/a.ts', args: ['deep'], inputs: { lang: 'ts' }, selection: 'const secretSauce = 1;' },
      result,
      1234,
      17,
    );
    assert.deepEqual(made.request, { file: 'src/a.ts', args: ['deep'], inputs: { lang: 'ts' }, hadSelection: true });
    assert.ok(!JSON.stringify(made).includes('secretSauce'));
    assert.deepEqual(made.steps, [
      { layer: 'prompt', key: 'p1', outcome: 'memory' },
      { layer: 'module', key: 'm1', outcome: 'redis', module: 'outline' },
      { layer: 'result', key: 'r1', outcome: 'compute', reason: 'src/a.ts was modified' },
    ]);
    assert.equal(made.at, 1234);
    assert.equal(made.durationMs, 17);
    assert.equal(made.costUsd, 0.02);
    assert.equal(made.prefixTokens, 2000, 'the prefix is what the provider cache wrote or read');
  });

  it('takes the reason of each miss from the run\'s lookup trace when there is one', () => {
    const result = runResult({
      trace: {
        runId: 'r',
        workflow: 'explain-selection',
        startedAt: 0,
        totalMs: 1,
        cached: false,
        steps: [{ layer: 'result', key: 'r1', outcome: 'miss', source: 'compute', tiers: [], why: 'expired in every tier', ms: 1 }],
      },
    });
    const made = usageRecordOf({ workspace: '/ws' }, result, 0, 0);
    assert.equal(made.steps.find((step) => step.layer === 'result')?.reason, 'expired in every tier');
    assert.equal(made.steps.find((step) => step.layer === 'prompt')?.reason, undefined, 'hits carry no reason');
  });

  it('does not keep arguments or inputs that look like secrets', () => {
    const made = usageRecordOf(
      { workspace: '/ws', args: ['sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789'], inputs: { token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } },
      runResult(),
      0,
      0,
    );
    assert.ok(!JSON.stringify(made).includes('abcdefghijklmnopqrstuvwxyz0123456789'));
    assert.match(made.request.inputs.token as string, /not kept/);
  });

  it('uses the input tokens as the prefix when the provider cache was not asked for, and marks prewarm runs', () => {
    const result = runResult({ usage: { inputTokens: 700, outputTokens: 5, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 } });
    const made = usageRecordOf({ workspace: '/ws', origin: 'prewarm' }, result, 0, 0);
    assert.equal(made.prefixTokens, 700);
    assert.equal(made.origin, 'prewarm');
    assert.equal(usageRecordOf({ workspace: '/ws' }, runResult({ usage: null }), 0, 0).prefixTokens, 0);
  });

  it('identifies a request by workflow, file, words and inputs, whatever the order of the inputs', () => {
    const a = record({ request: { file: 'a', args: ['x'], inputs: { b: '2', a: '1' }, hadSelection: false } });
    const b = record({ request: { file: 'a', args: ['x'], inputs: { a: '1', b: '2' }, hadSelection: false } });
    const c = record({ request: { file: 'b', args: ['x'], inputs: { a: '1', b: '2' }, hadSelection: false } });
    assert.equal(requestIdentity(a), requestIdentity(b));
    assert.notEqual(requestIdentity(a), requestIdentity(c));
  });
});

describe('UsageLog', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock(10 * DAY);
  });

  it('buffers records and writes them in one batch when flushed', async () => {
    const store = new MemoryUsageStore();
    let batches = 0;
    const append = store.append.bind(store);
    store.append = async (records) => {
      batches += 1;
      return append(records);
    };
    const log = new UsageLog({ store, maxAgeMs: DAY, maxRecords: 100, clock, flushIntervalMs: 0 });
    for (let i = 0; i < 5; i++) log.append(record({ at: clock.now() + i }));
    assert.equal(await store.count(), 0, 'nothing written before the flush');
    await log.flush();
    assert.equal(await store.count(), 5);
    assert.equal(batches, 1);
    await log.close();
  });

  it('writes at once when the buffer fills', async () => {
    const store = new MemoryUsageStore();
    const log = new UsageLog({ store, maxAgeMs: DAY, maxRecords: 100, clock, flushIntervalMs: 0, maxBuffered: 3 });
    for (let i = 0; i < 3; i++) log.append(record({ at: clock.now() }));
    await log.flush();
    assert.equal(await store.count(), 3);
    await log.close();
  });

  it('reads newest first, by workspace, including records not yet written', async () => {
    const log = new UsageLog({ store: new MemoryUsageStore(), maxAgeMs: DAY, maxRecords: 100, clock, flushIntervalMs: 0 });
    log.append(record({ at: clock.now() - 3 * MINUTE, workspace: '/a' }));
    log.append(record({ at: clock.now() - 2 * MINUTE, workspace: '/b' }));
    log.append(record({ at: clock.now() - MINUTE, workspace: '/a' }));
    const read = await log.read({ workspace: '/a' });
    assert.deepEqual(read.map((r) => r.at), [clock.now() - MINUTE, clock.now() - 3 * MINUTE]);
    assert.equal((await log.read({ since: clock.now() - 2 * MINUTE })).length, 2);
    assert.equal((await log.read({ limit: 1 })).length, 1);
    await log.close();
  });

  it('deletes records past the age bound and the oldest past the count bound', async () => {
    const store = new MemoryUsageStore();
    const log = new UsageLog({ store, maxAgeMs: DAY, maxRecords: 3, clock, flushIntervalMs: 0 });
    log.append(record({ at: clock.now() - 2 * DAY }));
    for (let i = 5; i >= 1; i--) log.append(record({ at: clock.now() - i * MINUTE }));
    await log.flush();
    assert.equal(await store.count(), 3, 'the first flush applies the bounds');
    const kept = await store.read({});
    assert.deepEqual(kept.map((r) => r.at), [1, 2, 3].map((i) => clock.now() - i * MINUTE));
    await log.close();
  });

  it('applies the bounds again only when the prune interval has passed', async () => {
    const store = new MemoryUsageStore();
    const log = new UsageLog({ store, maxAgeMs: DAY, maxRecords: 2, clock, flushIntervalMs: 0, pruneIntervalMs: 10 * MINUTE });
    await log.flush();
    for (let i = 0; i < 4; i++) log.append(record({ at: clock.now() + i }));
    await log.flush();
    assert.equal(await store.count(), 4, 'not due yet');
    clock.advance(10 * MINUTE);
    await log.flush();
    assert.equal(await store.count(), 2);
    await log.close();
  });

  it('tells listeners of every record, and a listener that throws stops neither the log nor the others', async () => {
    const warnings: string[] = [];
    const logger = createLogger((level, message) => level === 'warn' && warnings.push(message));
    const log = new UsageLog({ store: new MemoryUsageStore(), maxAgeMs: DAY, maxRecords: 100, clock, logger, flushIntervalMs: 0 });
    const seen: number[] = [];
    log.onRecord(() => {
      throw new Error('listener bug');
    });
    const stop = log.onRecord((r) => seen.push(r.at));
    log.append(record({ at: clock.now() }));
    stop();
    log.append(record({ at: clock.now() + 1 }));
    assert.deepEqual(seen, [clock.now()]);
    assert.equal((await log.read()).length, 2);
    assert.ok(warnings.some((w) => w.includes('listener bug')));
    await log.close();
  });

  it('loses a batch the store refuses, warns once while it keeps failing, and keeps logging', async () => {
    const lines: string[] = [];
    const logger = createLogger((level, message) => lines.push(`${level}: ${message}`));
    const store = new FailingStore();
    const log = new UsageLog({ store, maxAgeMs: DAY, maxRecords: 100, clock, logger, flushIntervalMs: 0 });
    log.append(record());
    await log.flush();
    log.append(record());
    await log.flush();
    assert.deepEqual(
      lines.filter((line) => line.includes('lost 1 usage records')),
      ['warn: [usage] lost 1 usage records: disk full', 'debug: [usage] lost 1 usage records: disk full'],
    );
    store.failing = false;
    log.append(record());
    await log.flush();
    assert.equal(await store.count(), 1);
    assert.ok(lines.includes('info: [usage] usage records are being written again'));
    await log.close();
  });

  it('returns no records, with a warning, when the store cannot be read', async () => {
    const warnings: string[] = [];
    const logger = createLogger((level, message) => level === 'warn' && warnings.push(message));
    const store: UsageStore = Object.assign(new MemoryUsageStore(), {
      read: async () => {
        throw new Error('gone');
      },
      prune: async () => {
        throw new Error('gone too');
      },
    });
    const log = new UsageLog({ store, maxAgeMs: DAY, maxRecords: 100, clock, logger, flushIntervalMs: 0 });
    assert.deepEqual(await log.read(), []);
    assert.equal(await log.prune(), 0);
    assert.ok(warnings.some((w) => w.includes('cannot read the usage log: gone')));
    assert.ok(warnings.some((w) => w.includes("retention bounds: gone too")));
    await log.close();
  });

  it('flushes on close and ignores records after it', async () => {
    const store = new MemoryUsageStore();
    const log = new UsageLog({ store, maxAgeMs: DAY, maxRecords: 100, clock, flushIntervalMs: 50 });
    assert.equal(log.storeKind, 'memory');
    log.append(record({ at: clock.now() }));
    await log.close();
    log.append(record({ at: clock.now() }));
    await log.close();
    assert.equal(await store.count(), 1);
  });
});

describe('prewarmCandidates', () => {
  const request = (file: string) => ({ file, args: [], inputs: {}, hadSelection: false });
  const missed = [{ layer: 'result' as const, key: 'r', outcome: 'compute' as const }];
  const hit = [{ layer: 'result' as const, key: 'r', outcome: 'memory' as const }];

  it('ranks requests by how often they missed, then by how recently they ran', () => {
    const records = [
      record({ at: 1, request: request('a'), steps: missed, costUsd: 0.02 }),
      record({ at: 2, request: request('a'), steps: missed, costUsd: 0.04 }),
      record({ at: 3, request: request('b'), steps: missed }),
      record({ at: 4, request: request('c'), steps: missed }),
      record({ at: 5, request: request('a'), steps: hit, upstreamCalls: 0, costUsd: 0 }),
      record({ at: 6, request: request('d'), steps: hit, upstreamCalls: 0, costUsd: 0 }),
    ];
    const ranked = prewarmCandidates(records, 10);
    assert.deepEqual(ranked.map((c) => c.file), ['a', 'c', 'b'], 'never-missed d is not a candidate');
    assert.equal(ranked[0]?.misses, 2);
    assert.equal(ranked[0]?.runs, 3);
    assert.ok(Math.abs((ranked[0]?.expectedCostUsd as number) - 0.03) < 1e-12, 'the average of the runs that paid');
    assert.deepEqual(prewarmCandidates(records, 1).map((c) => c.file), ['a']);
  });

  it('counts a module miss as a miss, and leaves out runs with a selection and prewarm runs', () => {
    const records = [
      record({ at: 1, request: request('m'), steps: [{ layer: 'module', key: 'x', outcome: 'compute' }, ...hit] }),
      record({ at: 2, request: { ...request('s'), hadSelection: true }, steps: missed }),
      record({ at: 3, request: request('p'), steps: missed, origin: 'prewarm' }),
    ];
    assert.deepEqual(prewarmCandidates(records, 10).map((c) => c.file), ['m']);
  });

  it('says the expected cost is unknown when a run had no price', () => {
    const [candidate] = prewarmCandidates([record({ costUsd: 'unknown' })], 10);
    assert.equal(candidate?.expectedCostUsd, 'unknown');
  });
});
