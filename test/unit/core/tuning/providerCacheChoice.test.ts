import assert from 'node:assert/strict';
import { CostLedger } from '../../../../src/core/cost';
import { createLogger } from '../../../../src/core/logger';
import { ProviderCacheChoice } from '../../../../src/core/tuning/providerCacheChoice';
import type { UsageRecord } from '../../../../src/core/usage/usageRecord';

const MINUTE = 60_000;
const PREFIX = 100_000;
const WORKFLOW = 'review-file';
const MODEL = 'claude-opus-4-8';

function call(at: number, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    at,
    workspace: '/ws',
    workflow: WORKFLOW,
    model: MODEL,
    request: { file: 'src/a.ts', args: [], inputs: {}, hadSelection: false },
    steps: [{ layer: 'result', key: 'k', outcome: 'compute' }],
    costUsd: 0.1,
    upstreamCalls: 1,
    durationMs: 1,
    prefixTokens: PREFIX,
    prefixHash: 'same-prefix',
    ...overrides,
  };
}

function near(actual: unknown, expected: number): void {
  assert.equal(typeof actual, 'number');
  assert.ok(Math.abs((actual as number) - expected) < 1e-9, `${String(actual)} is not ${expected}`);
}

describe('ProviderCacheChoice', () => {
  let infos: string[];
  const ledger = new CostLedger();

  function choice() {
    infos = [];
    return new ProviderCacheChoice({
      costOf: (model, usage) => ledger.costOf(model, usage),
      logger: createLogger((level, message) => level === 'info' && infos.push(message)),
    });
  }

  /** `count` calls `everyMinutes` apart; `overridesAt(i)` varies a call (its prefix, its model). */
  function feed(chooser: ProviderCacheChoice, count: number, everyMinutes: number, overridesAt: (i: number) => Partial<UsageRecord> = () => ({})) {
    for (let i = 0; i < count; i++) chooser.observe(call(i * everyMinutes * MINUTE, overridesAt(i)));
  }

  // Opus 4.8 per 100k-token prefix: input $0.50, 5m write $0.625, 1h write $1.00, read $0.05.

  it('answers off when every call sends a prefix never sent before: each write would never be read', () => {
    const chooser = choice();
    feed(chooser, 8, 2, (i) => ({ prefixHash: `edited-${i}` }));
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), 'off');
    const [decision] = chooser.decisionsMade();
    assert.equal(decision?.repeatedPrefixCalls, 0);
    assert.equal(decision?.medianGapMs, null);
    near(decision?.estimatedCostUsd.off, 8 * 0.5);
    near(decision?.estimatedCostUsd['5m'], 8 * 0.625);
    near(decision?.estimatedCostUsd['1h'], 8 * 1.0);
    assert.equal(decision?.savingVsOffUsd, 0);
    assert.match(decision?.why ?? '', /8 calls, 0 with a prefix sent before: .*no caching is cheapest/);
  });

  it('picks 5m when the same prefix comes every 2 minutes, and logs the change with its expected saving', () => {
    const chooser = choice();
    feed(chooser, 6, 2);
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), '5m');
    const [decision] = chooser.decisionsMade();
    // 5m: one write + 5 reads = 0.625 + 0.25 = 0.875; 1h: 1.0 + 0.25 = 1.25; none: 6 * 0.5 = 3.0.
    near(decision?.estimatedCostUsd['5m'], 0.875);
    near(decision?.estimatedCostUsd['1h'], 1.25);
    near(decision?.savingVsOffUsd, 3.0 - 0.875);
    assert.equal(decision?.medianGapMs, 2 * MINUTE);
    assert.ok(
      infos.some((line) => /review-file on claude-opus-4-8: provider cache 5m; 5 calls, 4 with a prefix sent before \(median 2 min.*expected saving \$/.test(line)),
      infos.join('\n'),
    );
  });

  it('picks 1h when the same prefix comes every 20 minutes', () => {
    const chooser = choice();
    feed(chooser, 6, 20);
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), '1h');
    const [decision] = chooser.decisionsMade();
    // 5m: 6 writes = 3.75 (dearer than none, 3.0); 1h: 1.0 + 5 * 0.05 = 1.25.
    near(decision?.estimatedCostUsd['5m'], 3.75);
    near(decision?.savingVsOffUsd, 3.0 - 1.25);
  });

  it('answers off when the same prefix comes every 3 hours: it outlives both TTLs', () => {
    const chooser = choice();
    feed(chooser, 8, 180);
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), 'off');
    const [decision] = chooser.decisionsMade();
    assert.equal(decision?.repeatedPrefixCalls, 7);
    assert.equal(decision?.medianGapMs, 180 * MINUTE);
    assert.match(decision?.why ?? '', /0 within 5 min, 0 within 1 h.*no caching is cheapest/);
  });

  it('moves back to off once the prefixes stop repeating (a file edited before every call)', () => {
    const chooser = choice();
    feed(chooser, 6, 2);
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), '5m');
    // Each new prefix adds a 5m write premium ($0.125) that no read recovers; past 17 of them the 5 reads'
    // discount over its first write ($2.125) is used up by the 17th, and a tie goes to no caching.
    for (let i = 0; i < 20; i++) chooser.observe(call((20 + i * 2) * MINUTE, { prefixHash: `edit-${i}` }));
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), 'off');
    assert.ok(infos.some((line) => /provider cache off; 23 calls, 5 with a prefix sent before/.test(line)), infos.join('\n'));
  });

  it('answers off with a reason for a model without a price', () => {
    const chooser = choice();
    feed(chooser, 8, 2, () => ({ model: 'claude-unpriced' }));
    assert.equal(chooser.ttlFor(WORKFLOW, 'claude-unpriced'), 'off');
    const [decision] = chooser.decisionsMade();
    assert.equal(decision?.ttl, 'off');
    assert.equal(decision?.savingVsOffUsd, 'unknown');
    assert.match(decision?.why ?? '', /claude-unpriced has no price/);
  });

  it('answers off before enough calls were seen, says so, and ignores runs that did not call Claude', () => {
    const chooser = choice();
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), 'off', 'an unseen workflow starts off');
    feed(chooser, 4, 1);
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), 'off');
    chooser.observe(call(5 * MINUTE, { upstreamCalls: 0 }));
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), 'off');
    const [decision] = chooser.decisionsMade();
    assert.equal(decision?.callsObserved, 4);
    assert.match(decision?.why ?? '', /4 calls, .*off until 5 calls show the prefix repeats \(a cache write never read costs more/);
    chooser.observe(call(6 * MINUTE));
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), '5m', 'the fifth call decides');
  });

  it('counts a repeat per prefix content: two files read in turn every 4 minutes are 8 minutes apart each', () => {
    const chooser = choice();
    feed(chooser, 8, 4, (i) => ({ prefixHash: i % 2 === 0 ? 'file-a' : 'file-b' }));
    const [decision] = chooser.decisionsMade();
    assert.equal(decision?.ttl, '1h');
    assert.equal(decision?.medianGapMs, 8 * MINUTE);
    assert.equal(decision?.repeatedPrefixCalls, 6);
  });

  it('falls back to the workflow on its file for records without a prefix hash', () => {
    const chooser = choice();
    for (let i = 0; i < 6; i++) {
      const { prefixHash: _none, ...legacy } = call(i * 2 * MINUTE, { request: { file: i % 2 === 0 ? 'src/a.ts' : 'src/b.ts', args: [], inputs: {}, hadSelection: false } });
      chooser.observe(legacy);
    }
    const [decision] = chooser.decisionsMade();
    assert.equal(decision?.repeatedPrefixCalls, 4);
    assert.equal(decision?.medianGapMs, 4 * MINUTE);
    assert.equal(decision?.ttl, '5m');
  });

  it('decides per workflow and model', () => {
    const chooser = choice();
    feed(chooser, 6, 20);
    feed(chooser, 6, 1, () => ({ workflow: 'write-tests', prefixHash: 'tests-prefix' }));
    assert.equal(chooser.ttlFor(WORKFLOW, MODEL), '1h');
    assert.equal(chooser.ttlFor('write-tests', MODEL), '5m');
    assert.equal(chooser.ttlFor(WORKFLOW, 'claude-sonnet-5-5'), 'off');
    assert.equal(chooser.decisionsMade().length, 2);
  });
});
