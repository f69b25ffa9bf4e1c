import assert from 'node:assert/strict';
import { BudgetExceededError, checkBudget, hasBudget, worstCaseUsage } from '../../../../src/core/budget';
import { formatDollars } from '../../../../src/core/format/money';
import type { ClaudeRequest } from '../../../../src/core/claude';
import { costOfUsage, PRICE_TABLE } from '../../../../src/core/cost';
import { statusBarContent, type CacheSummary } from '../../../../src/extension/statusBar/statusBarContent';
import { describeRunFailure } from '../../../../src/extension/workflows/runFailure';
import { emptyTotals } from '../../../../src/core/cost';

const REQUEST: ClaudeRequest = {
  model: 'claude-sonnet-5-5',
  system: 'x'.repeat(30),
  contextBlocks: ['y'.repeat(300)],
  prompt: 'z'.repeat(3),
  maxTokens: 1000,
  providerCache: 'off',
};

describe('worstCaseUsage', () => {
  it('counts a token per three characters plus framing per block, and every output token allowed', () => {
    // system 10 + 16, one block 100 + 16, prompt 1 + 16
    assert.deepEqual(worstCaseUsage(REQUEST), {
      inputTokens: 159,
      outputTokens: 1000,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      cacheReadTokens: 0,
    });
  });

  it('bills the input as a provider-cache write when caching is on, the dearest way to send it', () => {
    assert.equal(worstCaseUsage({ ...REQUEST, providerCache: '5m' }).cacheWrite5mTokens, 159);
    const hour = worstCaseUsage({ ...REQUEST, providerCache: '1h', system: undefined, contextBlocks: undefined });
    assert.equal(hour.cacheWrite1hTokens, 17);
    assert.equal(hour.inputTokens, 0);
    const prices = PRICE_TABLE.models['claude-sonnet-5-5'];
    assert.ok(prices);
    assert.ok(costOfUsage(worstCaseUsage({ ...REQUEST, providerCache: '1h' }), prices) > costOfUsage(worstCaseUsage(REQUEST), prices));
  });
});

describe('checkBudget', () => {
  const question = {
    caps: { dailyUsd: 5, perWorkflowUsd: 1 },
    workflow: 'review-file',
    model: 'claude-sonnet-5-5',
    estimateUsd: 0.5,
    spentTodayUsd: 4,
    spentByWorkflowUsd: 0.25,
  };

  it('lets a call through when spend plus its worst case stays within every cap', () => {
    assert.equal(checkBudget(question), undefined);
    assert.equal(checkBudget({ ...question, estimateUsd: 0.75 }), undefined, 'exactly at the cap is within it');
  });

  it('refuses a call that would pass the daily cap, saying spent, cap and estimate', () => {
    const problem = checkBudget({ ...question, spentTodayUsd: 4.8 });
    assert.ok(problem instanceof BudgetExceededError);
    assert.equal(problem.code, 'E_BUDGET_EXCEEDED');
    assert.deepEqual([problem.scope, problem.spentUsd, problem.capUsd, problem.estimateUsd], ['daily', 4.8, 5, 0.5]);
    assert.equal(
      problem.message,
      "Running review-file could cost up to $0.50, and today's spend is $4.80 of the $5.00 daily budget (claudeCache.budget.dailyUsd).",
    );
  });

  it("refuses a call that would pass its workflow's cap", () => {
    const problem = checkBudget({ ...question, spentByWorkflowUsd: 0.6 });
    assert.equal(problem?.scope, 'workflow');
    assert.equal(
      problem?.message,
      'Running review-file could cost up to $0.50, and review-file has spent $0.60 today of the $1.00 per-workflow daily budget (claudeCache.budget.perWorkflowUsd).',
    );
  });

  it('refuses a call of unknown price under any cap, and says how to price the model', () => {
    const problem = checkBudget({ ...question, caps: { dailyUsd: 0, perWorkflowUsd: 1 }, estimateUsd: 'unknown', model: 'claude-mythos-preview' });
    assert.equal(problem?.scope, 'workflow');
    assert.match(problem?.message ?? '', /The price of claude-mythos-preview is unknown.*add the model to claudeCache\.prices, or run it anyway/);
  });

  it('has no cap when both settings are 0', () => {
    assert.equal(hasBudget({ dailyUsd: 0, perWorkflowUsd: 0 }), false);
    assert.equal(hasBudget(undefined), false);
    assert.equal(hasBudget({ dailyUsd: 0, perWorkflowUsd: 2 }), true);
    assert.equal(checkBudget({ ...question, caps: { dailyUsd: 0, perWorkflowUsd: 0 }, estimateUsd: 'unknown' }), undefined);
    assert.equal(formatDollars(0), '$0.00', 'the message writes money with the one formatter');
  });
});

describe('Budgets in the VS Code adapter', () => {
  function summary(budget?: CacheSummary['budget']): CacheSummary {
    const layer = { hits: 3, misses: 1 };
    const tier = { status: 'up' as const, detail: undefined };
    return {
      layers: { prompt: layer, module: layer, context: layer, result: layer },
      tiers: { memory: tier, redis: tier, surreal: tier },
      cost: { ...emptyTotals(), spentUsd: 1.2, savedUsd: 0.4 },
      ...(budget ? { budget } : {}),
    };
  }

  it("shows today's spend against the daily cap in the status bar and its tooltip", () => {
    const content = statusBarContent({ phase: 'ready', summary: summary({ spentTodayUsd: 1.2, dailyCapUsd: 5, perWorkflowCapUsd: 1 }) });
    assert.match(content.text, / · \$1\.20\/\$5\.00 today$/);
    assert.match(content.tooltip, /Spent today: \$1\.20, over every window and CLI run\./);
    assert.match(content.tooltip, /Daily budget: \$5\.00 \(\$3\.80 left\)\./);
    assert.match(content.tooltip, /Per-workflow daily budget: \$1\.00\./);
    assert.equal(content.warning, false);
  });

  it('warns once the daily cap is spent, and shows nothing of budgets when none is set', () => {
    assert.equal(statusBarContent({ phase: 'ready', summary: summary({ spentTodayUsd: 5, dailyCapUsd: 5, perWorkflowCapUsd: 0 }) }).warning, true);
    const perWorkflowOnly = statusBarContent({ phase: 'ready', summary: summary({ spentTodayUsd: 2, dailyCapUsd: 0, perWorkflowCapUsd: 1 }) });
    assert.doesNotMatch(perWorkflowOnly.text, /today/);
    assert.match(perWorkflowOnly.tooltip, /Spent today: \$2\.00/);
    const none = statusBarContent({ phase: 'ready', summary: summary() });
    assert.doesNotMatch(none.text + none.tooltip, /today|budget/i);
  });

  it('treats a run declined over budget as cancelled, not as a failure', () => {
    const problem = new BudgetExceededError('daily', 'review-file', 'claude-sonnet-5-5', 4.8, 5, 0.5);
    assert.deepEqual(describeRunFailure(problem, 'review-file'), { message: 'review-file: not run, over budget.', actions: [], cancelled: true });
  });
});
