import assert from 'node:assert/strict';
import type { Usage } from '../../../../src/core/claude/usage';
import { costOfUsage, providerCacheSaving } from '../../../../src/core/cost/costOfUsage';
import { DEFAULT_MODEL, MODEL_TABLE, PRICE_TABLE, resolvePrices, validatePriceOverrides, type ModelPrices } from '../../../../src/core/models';
import * as costIndex from '../../../../src/core/cost';

function usage(partial: Partial<Usage>): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, ...partial };
}

function assertDollars(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `expected ${expected}, got ${actual}`);
}

function prices(model: string): ModelPrices {
  const found = resolvePrices(model);
  assert.ok(found, `${model} should have prices`);
  return found;
}

describe('price table', () => {
  it('is dated data', () => {
    assert.match(PRICE_TABLE.effectiveDate, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(PRICE_TABLE.source.startsWith('https://'));
  });

  it('prices the default model and every current Sonnet, Opus and Haiku', () => {
    for (const model of [DEFAULT_MODEL, 'claude-opus-5-5', 'claude-haiku-5-5', 'claude-opus-4-8', 'claude-sonnet-4-6', 'claude-haiku-4-5']) {
      assert.ok(resolvePrices(model), model);
    }
  });

  it('follows the published multipliers where a model uses them', () => {
    const opus = prices('claude-opus-4-8');
    assert.equal(opus.cacheWrite5m, opus.input * 1.25);
    assert.equal(opus.cacheWrite1h, opus.input * 2);
    assert.equal(opus.cacheRead, opus.input * 0.1);
  });

  it('keeps the models whose cache reads differ from 0.1x as published', () => {
    assert.equal(prices('claude-opus-5-5').cacheRead, 0.2); // 0.05x of $4
    assert.equal(prices('claude-fable-5-1').cacheRead, 0.25); // 0.025x of $10
  });

  it('resolves a dated snapshot id to its alias', () => {
    assert.equal(resolvePrices('claude-haiku-4-5-20251001'), resolvePrices('claude-haiku-4-5'));
    assert.equal(resolvePrices('claude-opus-4-5-20991231'), resolvePrices('claude-opus-4-5'), 'a snapshot the table does not list');
  });

  it('is read from the model table, and the cost module serves the same table', () => {
    for (const record of MODEL_TABLE) {
      for (const id of [record.id, ...record.otherIds]) assert.equal(PRICE_TABLE.models[id], record.prices, id);
    }
    assert.equal(costIndex.PRICE_TABLE, PRICE_TABLE);
    assert.equal(costIndex.resolvePrices, resolvePrices);
  });

  it('has the published 2026-12 prices of the current models', () => {
    assert.deepEqual(prices('claude-sonnet-5-5'), { input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.1 });
    assert.deepEqual(prices('claude-opus-5-5'), { input: 4, output: 20, cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.2 });
    assert.deepEqual(prices('claude-fable-5-2'), { input: 8, output: 40, cacheWrite5m: 10, cacheWrite1h: 16, cacheRead: 0.2 });
    assert.deepEqual(prices('claude-haiku-5-5').longPrompt, {
      aboveTokens: 100_000, input: 0.5, output: 2.5, cacheWrite5m: 0.625, cacheWrite1h: 1, cacheRead: 0.05,
    });
  });

  it('has no price for an unknown model', () => {
    assert.equal(resolvePrices('claude-mythos-preview'), undefined);
    assert.equal(resolvePrices('gpt-something'), undefined);
    assert.equal(resolvePrices('toString'), undefined);
  });
});

describe('price overrides', () => {
  const valid = { input: 1, output: 2, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 };

  it('adds a model and replaces a built-in one', () => {
    const { models, problems } = validatePriceOverrides({
      'my-proxy-model': valid,
      'claude-sonnet-5-5': { ...valid, input: 9 },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(resolvePrices('my-proxy-model', models), valid);
    assert.equal(resolvePrices('claude-sonnet-5-5', models)?.input, 9);
    assert.equal(resolvePrices('claude-opus-5-5', models)?.input, 4, 'models not overridden keep table prices');
  });

  it('reports bad entries instead of throwing, and keeps the good ones', () => {
    const { models, problems } = validatePriceOverrides({
      good: valid,
      negative: { ...valid, output: -1 },
      text: { ...valid, input: '3' },
      missing: { input: 1, output: 2 },
      notObject: 5,
      infinite: { ...valid, cacheRead: Number.POSITIVE_INFINITY },
      badLong: { ...valid, longPrompt: { ...valid, aboveTokens: 0 } },
      badLongRates: { ...valid, longPrompt: { aboveTokens: 10, input: -2 } },
      '': valid,
    });
    assert.deepEqual(Object.keys(models), ['good']);
    assert.deepEqual(
      problems.map((p) => p.model).sort(),
      ['', 'badLong', 'badLongRates', 'infinite', 'missing', 'negative', 'notObject', 'text'],
    );
    assert.match(problems.find((p) => p.model === 'negative')?.message ?? '', /output must be a non-negative number/);
  });

  it('accepts a long-prompt tier', () => {
    const { models, problems } = validatePriceOverrides({ tiered: { ...valid, longPrompt: { ...valid, input: 5, aboveTokens: 1000 } } });
    assert.deepEqual(problems, []);
    assert.equal(models.tiered?.longPrompt?.aboveTokens, 1000);
  });

  it('reports a settings value that is not an object at all', () => {
    assert.equal(validatePriceOverrides(['x']).problems.length, 1);
    assert.deepEqual(validatePriceOverrides(undefined), { models: {}, problems: [] });
  });
});

describe('costOfUsage', () => {
  it('prices every kind of token (Opus 4.8: $5 in, $25 out, $6.25 5m write, $10 1h write, $0.50 read)', () => {
    const u = usage({ inputTokens: 1000, outputTokens: 500, cacheWrite5mTokens: 2000, cacheWrite1hTokens: 400, cacheReadTokens: 3000 });
    // 1000*5 + 500*25 + 2000*6.25 + 400*10 + 3000*0.5 = 5000 + 12500 + 12500 + 4000 + 1500 = 35500 micro-dollars
    assertDollars(costOfUsage(u, prices('claude-opus-4-8')), 0.0355);
  });

  it('prices a 1h write on the default model (Sonnet 5.5: $2 in, $10 out, $4 1h write)', () => {
    const u = usage({ inputTokens: 6, outputTokens: 12, cacheWrite1hTokens: 2490 });
    // 6*2 + 12*10 + 2490*4 = 12 + 120 + 9960 = 10092 micro-dollars
    assertDollars(costOfUsage(u, prices(DEFAULT_MODEL)), 0.010092);
  });

  it('switches Haiku 5.5 to its long-prompt rates past 100 000 prompt tokens', () => {
    const short = usage({ inputTokens: 50_000, cacheReadTokens: 50_000, outputTokens: 1000 });
    // prompt = 100 000, not above: 50000*0.10 + 1000*0.50 + 50000*0.01 = 5000 + 500 + 500 = 6000 micro-dollars
    assertDollars(costOfUsage(short, prices('claude-haiku-5-5')), 0.006);
    const long = usage({ inputTokens: 50_000, cacheReadTokens: 60_000, outputTokens: 1000 });
    // prompt = 110 000: 50000*0.50 + 1000*2.50 + 60000*0.05 = 25000 + 2500 + 3000 = 30500 micro-dollars
    assertDollars(costOfUsage(long, prices('claude-haiku-5-5')), 0.0305);
  });
});

describe('providerCacheSaving', () => {
  it('is the read discount minus the write premium', () => {
    const u = usage({ cacheReadTokens: 3000, cacheWrite5mTokens: 2000, cacheWrite1hTokens: 400 });
    // Opus 4.8: 3000*(5-0.5) - 2000*(6.25-5) - 400*(10-5) = 13500 - 2500 - 2000 = 9000 micro-dollars
    assertDollars(providerCacheSaving(u, prices('claude-opus-4-8')), 0.009);
  });

  it('is negative for a call that only wrote the cache', () => {
    // Sonnet 5.5: -(2490 * (4 - 2)) = -4980 micro-dollars
    assertDollars(providerCacheSaving(usage({ cacheWrite1hTokens: 2490 }), prices(DEFAULT_MODEL)), -0.00498);
  });

  it('is zero without provider caching', () => {
    assert.equal(providerCacheSaving(usage({ inputTokens: 900, outputTokens: 100 }), prices(DEFAULT_MODEL)), 0);
  });
});
