import assert from 'node:assert/strict';
import type { Tier, TierStatus } from '../../../../src/core/layers';
import { formatTraceMarkdown, formatTraceText, TraceRecorder, type LookupTrace, type TraceContext } from '../../../../src/core/trace';
import { lastRunExplanation } from '../../../../src/extension/commands/lastRunExplanation';

const STARTED = Date.UTC(2026, 10, 22, 7, 30, 0);

function context(overrides: Partial<TraceContext> = {}): TraceContext {
  const statuses: Record<Tier, TierStatus> = { memory: 'up', redis: 'up', surreal: 'up' };
  return {
    runId: 'run-1',
    workflow: 'review-file',
    cached: false,
    fresh: false,
    contextChanges: [],
    missReasons: [],
    tierStatus: (tier) => statuses[tier],
    ...overrides,
  };
}

const SAMPLE: LookupTrace = {
  runId: 'run-1',
  workflow: 'review-file',
  startedAt: STARTED,
  totalMs: 812.4,
  cached: false,
  steps: [
    { layer: 'prompt', key: 'p1', outcome: 'hit', source: 'memory', tiers: [{ tier: 'memory', outcome: 'hit' }], why: 'held in memory', ms: 0.05 },
    {
      layer: 'module',
      module: 'outline',
      key: 'm1',
      outcome: 'hit',
      source: 'redis',
      tiers: [
        { tier: 'memory', outcome: 'miss' },
        { tier: 'redis', outcome: 'hit', ms: 0.42 },
      ],
      why: 'found in Redis, copied into memory',
      ms: 0.9,
    },
    {
      layer: 'result',
      key: 'r1',
      outcome: 'miss',
      source: 'compute',
      tiers: [{ tier: 'memory', outcome: 'miss' }],
      why: 'model changed (a -> b|c)',
      ms: 800,
    },
  ],
};

describe('Lookup trace formatting', () => {
  it('writes one log line per lookup: outcome, source, time, what each tier said, why', () => {
    const text = formatTraceText(SAMPLE);
    assert.deepEqual(text.split('\n'), [
      'trace of review-file: called Claude in 812 ms (run run-1, 2026-11-22 07:30:00 UTC)',
      '  prompt: hit from memory in 0.05 ms; memory hit; held in memory',
      '  module:outline: hit from redis in 0.90 ms; memory miss, Redis hit (0.42 ms); found in Redis, copied into memory',
      '  result: miss from compute in 800 ms; memory miss; model changed (a -> b|c)',
    ]);
  });

  it('renders a Markdown table for Explain Last Run, escaping pipes and listing the keys', () => {
    const markdown = formatTraceMarkdown({ ...SAMPLE, cached: true });
    assert.match(markdown, /^# Last run: review-file\n/);
    assert.match(markdown, /review-file: answered from the cache in 812 ms/);
    assert.match(markdown, /^\| Layer \| Outcome \| Answered by \| Tiers \| Time \| Why \|$/m);
    assert.match(markdown, /^\| module:outline \| hit \| redis \| memory miss, Redis hit \(0\.42 ms\) \| 0\.90 ms \| found in Redis, copied into memory \|$/m);
    assert.match(markdown, /model changed \(a -> b\\\|c\) \|$/m);
    assert.match(markdown, /^- result: `r1`$/m);
  });
});

describe('TraceRecorder', () => {
  it("keeps only the run's own keys' reads, and marks tiers that were not asked as skipped", () => {
    const recorder = new TraceRecorder(STARTED);
    recorder.tierRead({ layer: 'result', tier: 'redis', key: 'other-run', outcome: 'hit', seconds: 0.001 });
    recorder.tierRead({ layer: 'result', tier: 'redis', key: 'r1', outcome: 'error', seconds: 0.25 });
    recorder.stepDone({ layer: 'result', key: 'r1', source: 'compute' });
    const trace = recorder.build(context());
    const [step] = trace.steps;
    assert.deepEqual(step?.tiers, [
      { tier: 'memory', outcome: 'miss' },
      { tier: 'redis', outcome: 'error', ms: 250 },
      { tier: 'surreal', outcome: 'skipped' },
    ]);
    assert.equal(step?.why, 'not cached in any tier (first run, expired or invalidated); redis failed; surreal not asked (unavailable)');
    assert.equal(trace.startedAt, STARTED);
  });

  it('leaves tiers that are off out of the trace', () => {
    const recorder = new TraceRecorder(STARTED);
    recorder.stepDone({ layer: 'prompt', key: 'p', source: 'compute' });
    const trace = recorder.build(context({ tierStatus: (tier) => (tier === 'memory' ? 'up' : 'off') }));
    assert.deepEqual(trace.steps[0]?.tiers, [{ tier: 'memory', outcome: 'miss' }]);
  });

  it('explains a joined lookup and names the module of a module step', () => {
    const recorder = new TraceRecorder(STARTED);
    recorder.stepDone({ layer: 'module', key: 'm', source: 'joined', module: 'outline' });
    const [step] = recorder.build(context()).steps;
    assert.equal(step?.outcome, 'joined');
    assert.equal(step?.module, 'outline');
    assert.match(step?.why ?? '', /identical run that was already computing it/);
  });

  it("gives the result layer the pipeline's miss reasons", () => {
    const recorder = new TraceRecorder(STARTED);
    recorder.stepDone({ layer: 'result', key: 'r', source: 'compute' });
    const [step] = recorder.build(context({ missReasons: ['temperature changed (0 -> 0.5)'] })).steps;
    assert.equal(step?.why, 'temperature changed (0 -> 0.5)');
  });
});

describe('Explain Last Run', () => {
  const format = (trace: LookupTrace) => `# ${trace.workflow}`;

  it("opens the last run's trace", () => {
    const explanation = lastRunExplanation({ lastRun: { trace: SAMPLE } as never }, format);
    assert.deepEqual(explanation, { markdown: '# review-file' });
  });

  it('says so when nothing has run yet, or the cache is not open', () => {
    assert.match((lastRunExplanation({ lastRun: undefined }, format) as { message: string }).message, /no workflow has run/);
    assert.match((lastRunExplanation(undefined, format) as { message: string }).message, /not open yet/);
  });
});
