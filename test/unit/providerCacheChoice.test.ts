import assert from 'node:assert/strict';
import { CostLedger } from '../../src/core/cost';
import { createLogger } from '../../src/core/logger';
import { ProviderCacheChoice } from '../../src/core/tuning/providerCacheChoice';
import type { UsageRecord } from '../../src/core/usage/usageRecord';

const MINUTE = 60_000;
const PREFIX = 100_000;

function call(at: number, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    at,
    workspace: '/ws',
    workflow: 'review-file',
    model: 'claude-opus-4-8',
    request: { args: [], inputs: {}, hadSelection: false },
    steps: [{ layer: 'result', key: 'k', outcome: 'compute' }],
    costUsd: 0.1,
    upstreamCalls: 1,
    durationMs: 1,
    prefixTokens: PREFIX,
    ...overrides,
  };
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

  function feed(chooser: ProviderCacheChoice, gapsMinutes: number[], overrides: Partial<UsageRecord> = {}) {
    let at = 0;
    chooser.observe(call(at, overrides));
    for (const gap of gapsMinutes) {
      at += gap * MINUTE;
      chooser.observe(call(at, overrides));
    }
  }

  it('keeps 5m while calls come within five minutes of each other', () => {
    const chooser = choice();
    feed(chooser, [2, 3, 1, 4]);
    assert.equal(chooser.ttlFor('review-file', 'claude-opus-4-8'), '5m');
    const [decision] = chooser.decisionsMade();
    // Opus 4.8: input $5/M, 5m write $6.25/M, 1h write $10/M, read $0.50/M; 100k-token prefix, 5 calls.
    // 5m: one write + 4 reads = 0.625 + 0.2 = 0.825; 1h: 1.0 + 0.2 = 1.2; none: 5 * 0.5 = 2.5.
    assert.ok(Math.abs((decision?.savingVsOffUsd as number) - (2.5 - 0.825)) < 1e-9);
    assert.ok(Math.abs((decision?.savingVsOtherUsd as number) - (1.2 - 0.825)) < 1e-9);
  });

  it('picks 1h when calls come every 10 to 50 minutes, and logs the choice with its expected saving', () => {
    const chooser = choice();
    feed(chooser, [10, 20, 50, 15]);
    assert.equal(chooser.ttlFor('review-file', 'claude-opus-4-8'), '1h');
    const [decision] = chooser.decisionsMade();
    // 5m: 5 writes = 3.125; 1h: one write + 4 reads = 1.2; none: 2.5.
    assert.ok(Math.abs((decision?.savingVsOtherUsd as number) - (3.125 - 1.2)) < 1e-9);
    assert.ok(Math.abs((decision?.savingVsOffUsd as number) - (2.5 - 1.2)) < 1e-9);
    assert.equal(decision?.medianGapMs, 20 * MINUTE);
    assert.ok(infos.some((line) => /review-file on claude-opus-4-8: provider cache 1h; 4 calls, 3 gaps \(median 20 min; 0 within 5 min, 3 within 1 h\).*expected saving \$0\.8500/.test(line)), infos.join('\n'));
  });

  it('goes back to 5m when calls are hours apart (no TTL is read again, and the 5m write is cheaper)', () => {
    const chooser = choice();
    feed(chooser, [10, 20, 30, 15]);
    assert.equal(chooser.ttlFor('review-file', 'claude-opus-4-8'), '1h');
    let at = 75 * MINUTE;
    for (const gap of [180, 240, 300, 200, 400, 500]) {
      at += gap * MINUTE;
      chooser.observe(call(at));
    }
    assert.equal(chooser.ttlFor('review-file', 'claude-opus-4-8'), '5m');
  });

  it('says when calls are so far apart that no provider caching would cost less', () => {
    const chooser = choice();
    feed(chooser, [180, 240, 300]);
    const [decision] = chooser.decisionsMade();
    assert.ok((decision?.savingVsOffUsd as number) < 0);
    assert.match(decision?.why ?? '', /would cost less with providerCache off/);
  });

  it('stays on 5m until enough gaps were seen, and ignores runs that did not call Claude', () => {
    const chooser = choice();
    feed(chooser, [20, 20]);
    assert.equal(chooser.ttlFor('review-file', 'claude-opus-4-8'), '5m');
    chooser.observe(call(60 * MINUTE, { upstreamCalls: 0 }));
    assert.equal(chooser.ttlFor('review-file', 'claude-opus-4-8'), '5m');
    assert.match(chooser.decisionsMade()[0]?.why ?? '', /2 gaps seen, 5m until 3/);
    assert.equal(chooser.ttlFor('other', 'claude-opus-4-8'), '5m', 'an unseen workflow starts on 5m');
  });

  it('takes the gaps per prefix (workflow on one file): two files read in turn every 4 minutes are 8 minutes apart each', () => {
    const chooser = choice();
    for (let i = 0; i < 8; i++) {
      const file = i % 2 === 0 ? 'src/a.ts' : 'src/b.ts';
      chooser.observe(call(i * 4 * MINUTE, { request: { file, args: [], inputs: {}, hadSelection: false } }));
    }
    const [decision] = chooser.decisionsMade();
    assert.equal(decision?.ttl, '1h');
    assert.equal(decision?.medianGapMs, 8 * MINUTE);
    assert.match(decision?.why ?? '', /8 calls, 6 gaps .* over 2 prefixes/);
  });

  it('decides per workflow and model', () => {
    const chooser = choice();
    feed(chooser, [20, 20, 20]);
    feed(chooser, [1, 1, 1], { workflow: 'write-tests' });
    assert.equal(chooser.ttlFor('review-file', 'claude-opus-4-8'), '1h');
    assert.equal(chooser.ttlFor('write-tests', 'claude-opus-4-8'), '5m');
    assert.equal(chooser.decisionsMade().length, 2);
  });

  it('says the saving is unknown for a model without a price, and keeps 5m', () => {
    const chooser = choice();
    feed(chooser, [20, 20, 20], { model: 'claude-unpriced' });
    const [decision] = chooser.decisionsMade();
    assert.equal(decision?.ttl, '5m');
    assert.equal(decision?.savingVsOffUsd, 'unknown');
  });
});
