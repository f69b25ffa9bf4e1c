import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT_OVER_BUDGET } from '../../src/cli/main';
import { BudgetExceededError } from '../../src/core/budget';
import { CostLedger, JsonFileLedgerPersistence } from '../../src/core/cost';
import { CacheEngine } from '../../src/core/engine';
import { fakeAnthropicPerSuite, makeTempWorkspace, MATH_SOURCE, runCliCaptured, testEngineConfig } from '../helpers/engineWorkspace';

/** Sonnet 5.5 output is $10 per million tokens: 100,000 output tokens cost exactly $1. */
function spend(amount: number) {
  return { inputTokens: 0, outputTokens: amount * 100_000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
}

describe('Budgets', function () {
  this.timeout(60_000);
  const fake = fakeAnthropicPerSuite();
  let root: string;
  let workspace: string;
  let storage: string;
  let engine: CacheEngine | undefined;

  async function openEngine(settings: Record<string, unknown>) {
    // The worst-case figures below are worked out for a 4,096-token cap (the model's own default is larger).
    engine = await CacheEngine.open({ config: testEngineConfig(fake.url, storage, { maxTokens: 4096, ...settings }), apiKey: 'test-key' });
    return engine;
  }

  /** Another process (a CLI run, another window) that spent money today through the same ledger file. */
  async function spentElsewhere(amount: number, workflow: string) {
    const other = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(join(storage, 'ledger.json')) });
    other.recordUpstreamCall({ model: 'claude-sonnet-5-5', usage: spend(amount), workflow });
    await other.flush();
  }

  const explain = (selection: string, extra: object = {}) =>
    (engine as CacheEngine).pipeline.run({ workflow: 'explain-selection', workspace, selection, ...extra });

  beforeEach(async () => {
    ({ root, workspace, storage } = await makeTempWorkspace('budget-', { 'src/math.ts': MATH_SOURCE }));
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await rm(root, { recursive: true, force: true });
  });

  it('refuses a run whose worst case would pass the daily cap, before calling Claude', async () => {
    // 4096 output tokens at $10 per million can cost $0.041: more than a one-cent cap.
    await openEngine({ 'budget.dailyUsd': 0.01 });
    await assert.rejects(explain('const a = 1;'), (error: unknown) => {
      assert.ok(error instanceof BudgetExceededError);
      assert.equal(error.scope, 'daily');
      assert.equal(error.spentUsd, 0);
      assert.equal(error.capUsd, 0.01);
      assert.ok(typeof error.estimateUsd === 'number' && error.estimateUsd > 0.04 && error.estimateUsd < 0.05, String(error.estimateUsd));
      return true;
    });
    assert.equal(fake.calls, 0);
  });

  it('credits no savings to a refused run, even for the module answers it found cached', async () => {
    // review-file pays for the shared file-outline module; write-tests then finds it cached but is refused.
    await openEngine({});
    await (engine as CacheEngine).pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/math.ts' });
    await (engine as CacheEngine).close();
    await openEngine({ 'budget.dailyUsd': 0.01 });
    const before = (engine as CacheEngine).ledger.totals();
    const calls = fake.calls;
    const refused = (engine as CacheEngine).pipeline.run({ workflow: 'write-tests', workspace, filePath: 'src/math.ts' });
    await assert.rejects(refused, BudgetExceededError);
    assert.equal(fake.calls, calls);
    const after = (engine as CacheEngine).ledger.totals();
    assert.equal(after.avoidedCalls, before.avoidedCalls);
    assert.equal(after.savedByLocalHitsUsd, before.savedByLocalHitsUsd);
  });

  it('runs over the cap when asked and agreed to, once per run, and never checks a cached answer', async () => {
    const cheap = await openEngine({ 'budget.dailyUsd': 0.01 });
    const asked: BudgetExceededError[] = [];
    const first = await explain('const b = 2;', { confirmOverBudget: (problem: BudgetExceededError) => (asked.push(problem), true) });
    assert.equal(first.cached, false);
    assert.equal(asked.length, 1);
    assert.equal(fake.calls, 1);
    const again = await cheap.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'const b = 2;' });
    assert.equal(again.cached, true, 'a cached answer costs nothing, so no cap applies');
    const declined = explain('const c = 3;', { confirmOverBudget: () => false });
    await assert.rejects(declined, BudgetExceededError);
    assert.equal(fake.calls, 1);
  });

  it('asks again after a declined run of the same file, and runs when agreed to', async () => {
    // The editor's order: review-file declined at the budget question, then the same run with "Run Anyway".
    const cheap = await openEngine({ 'budget.dailyUsd': 0.0001 });
    const review = (answer: boolean) =>
      cheap.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/math.ts', confirmOverBudget: () => answer });
    await assert.rejects(review(false), BudgetExceededError);
    assert.equal(fake.calls, 0);
    const paid = await review(true);
    assert.equal(paid.cached, false);
    assert.equal(fake.calls, 2, 'the outline and the review');
  });

  it("counts other processes' spend today, per workflow", async () => {
    await openEngine({ 'budget.perWorkflowUsd': 1.02, 'budget.dailyUsd': 10 });
    await spentElsewhere(1, 'explain-selection');
    await assert.rejects(explain('const d = 4;'), (error: unknown) => {
      assert.ok(error instanceof BudgetExceededError);
      assert.equal(error.scope, 'workflow');
      assert.ok(Math.abs(error.spentUsd - 1) < 1e-9, String(error.spentUsd));
      return true;
    });
    const other = await (engine as CacheEngine).pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/math.ts' });
    assert.equal(other.cached, false, 'another workflow still has its own budget');
    assert.equal(fake.calls, other.upstreamCalls, 'only the other workflow called Claude');
    const today = (engine as CacheEngine).ledger;
    assert.ok(today.spentToday('review-file') > 0);
    assert.ok(Math.abs(today.spentToday() - 1 - today.spentToday('review-file')) < 1e-9, 'the day counts both');
  });

  it('refuses a retired model, whose price is no longer kept, before any budget check or call', async () => {
    // Every model the engine can call has a price in the model table; an unpriced one (claude-mythos-preview) is
    // retired and refused first. The unknown-price rule itself is covered in test/unit/budget.test.ts.
    await openEngine({ 'budget.dailyUsd': 100, model: 'claude-mythos-preview' });
    await assert.rejects(explain('const e = 5;'), /claude-mythos-preview.*was retired on 2026-06-30.*use claude-mythos-5/);
    assert.equal(fake.calls, 0);
  });

  describe('claude-cache run', () => {
    const cli = (args: string[]) =>
      runCliCaptured(args, {
        env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.url, CLAUDE_CACHE_STORAGE_DIR: storage },
        cwd: root,
      });

    beforeEach(async () => {
      await mkdir(join(workspace, '.vscode'), { recursive: true });
      await writeFile(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'claudeCache.budget.dailyUsd': 0.01 }));
    });

    it(`fails with one line and exit code ${EXIT_OVER_BUDGET} over budget, and runs with --over-budget`, async () => {
      // A 4,096-token cap, so the worst case is the figure below (the model's own default cap is larger).
      const refused = await cli(['run', 'explain-selection', '--selection', 'const f = 6;', '--max-tokens', '4096', '--workspace', workspace]);
      assert.equal(refused.code, EXIT_OVER_BUDGET);
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
      assert.match(refused.stderr, /^claude-cache: Running explain-selection could cost up to \$0\.04\d+.*daily budget.*\(--over-budget runs it anyway\)\n$/);
      assert.equal(fake.calls, 0);

      const forced = await cli(['run', 'explain-selection', '--selection', 'const f = 6;', '--max-tokens', '4096', '--over-budget', '--json', '--workspace', workspace]);
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(JSON.parse(forced.stdout).cached, false);
      assert.equal(fake.calls, 1);
    });

    it('documents the exit code in --help', async () => {
      const help = await cli(['--help']);
      assert.match(help.stdout, /exit codes: 0 done .*1 failed, 2 usage error, missing argument or no API key,\s+3 over a budget cap, 4 Claude declined to answer/);
      assert.match(help.stdout, /--over-budget/);
    });
  });
});
