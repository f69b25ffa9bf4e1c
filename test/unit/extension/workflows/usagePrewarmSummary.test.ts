import assert from 'node:assert/strict';
import type { PrewarmOutcome } from '../../../../src/core/engine';
import type { RunResult } from '../../../../src/core/pipeline';
import type { PrewarmCandidate } from '../../../../src/core/usage/prewarmCandidates';
import type { UsagePrewarmReport } from '../../../../src/core/usage/usagePrewarm';
import { summarizeUsagePrewarm } from '../../../../src/extension/workflows/usagePrewarmSummary';

const candidate: PrewarmCandidate = { workflow: 'review-file', file: 'a.ts', args: [], inputs: {}, runs: 3, misses: 2, expectedCostUsd: 0.1, lastAt: 0 };
const item = { workflow: 'review-file', file: 'a.ts' };

function result(cached: boolean): RunResult {
  return {
    runId: 'r', workflow: 'review-file', model: 'm', text: 't', cached, layer: cached ? 'result' : null, usage: null,
    costUsd: cached ? 0 : 0.1, savedUsd: 0, upstreamCalls: cached ? 0 : 1, missReasons: [], steps: [], stopReason: null,
  };
}

function report(overrides: Partial<UsagePrewarmReport>): UsagePrewarmReport {
  return { candidates: [candidate, candidate, candidate], outcomes: [], spentUsd: 0, upstreamCalls: 0, stoppedBy: 'done', skipped: [], ...overrides };
}

describe('summarizeUsagePrewarm', () => {
  it('says there is nothing to do when the log holds no missed runs', () => {
    assert.match(summarizeUsagePrewarm(report({ candidates: [] }), 0.5).message, /nothing to prewarm; the usage log has no missed runs/);
  });

  it('counts runs answered by Claude, runs already fresh and failures', () => {
    const outcomes: PrewarmOutcome[] = [{ item, result: result(false) }, { item, result: result(true) }, { item, error: new Error('boom') }];
    const summary = summarizeUsagePrewarm(report({ outcomes, spentUsd: 0.1 }), 0.5);
    assert.equal(summary.message, 'Claude Cache: prewarmed 3 of 3 often-missed workflows: 1 answered by Claude ($0.10), 1 already fresh, 1 failed.');
    assert.equal(summary.failed, 1);
  });

  it('says when it stopped before the cap, was cancelled, or skipped runs of unknown cost', () => {
    const one: PrewarmOutcome[] = [{ item, result: result(false) }];
    assert.match(summarizeUsagePrewarm(report({ outcomes: one, stoppedBy: 'cap', spentUsd: 0.1 }), 0.15).message, /prewarmed 1 of 3 .*; stopped before the \$0\.15 cap\.$/);
    assert.match(summarizeUsagePrewarm(report({ outcomes: one, stoppedBy: 'cancelled' }), 0.5).message, /cancelled after 1 of 3/);
    assert.match(
      summarizeUsagePrewarm(report({ outcomes: one, skipped: [{ candidate, reason: 'unknown' }] }), 0.5).message,
      /; 1 skipped \(cost unknown\)\.$/,
    );
  });
});
