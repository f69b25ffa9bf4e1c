import assert from 'node:assert/strict';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClaudeAuthenticationError, ClaudeCancelledError, ClaudeRateLimitError } from '../../src/core/claude';
import { objectReader, resolveConfig } from '../../src/core/config';
import { PRICE_TABLE } from '../../src/core/cost';
import { CacheEngine } from '../../src/core/engine';
import { fakeAnthropicPerSuite, makeTempWorkspace, MATH_SOURCE, testEngineConfig } from '../helpers/engineWorkspace';

describe('WorkflowPipeline', function () {
  this.timeout(60_000);
  const fake = fakeAnthropicPerSuite();
  let root: string;
  let workspace: string;
  let storage: string;
  let engine: CacheEngine;

  async function openEngine(settings: Record<string, unknown> = {}, apiKey: string | null = 'test-key') {
    return CacheEngine.open({ config: testEngineConfig(fake.url, storage, settings), ...(apiKey ? { apiKey } : {}) });
  }

  beforeEach(async () => {
    ({ root, workspace, storage } = await makeTempWorkspace('pipeline-', { 'src/math.ts': MATH_SOURCE }));
    engine = await openEngine();
  });

  afterEach(async () => {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  });

  it('pays once, then replays the same answer as a stream with zero upstream calls', async () => {
    const firstChunks: string[] = [];
    const first = await engine.pipeline.run({
      workflow: 'explain-selection',
      workspace,
      selection: 'const x = 1 + 2;',
      onText: (chunk) => firstChunks.push(chunk),
    });
    assert.equal(first.cached, false);
    assert.equal(first.layer, null);
    assert.equal(fake.calls, 1);
    assert.ok(firstChunks.length > 1, 'a miss streams in several chunks');
    assert.equal(firstChunks.join(''), first.text);

    const replayed: string[] = [];
    const second = await engine.pipeline.run({
      workflow: 'explain-selection',
      workspace,
      selection: 'const x = 1 + 2;',
      onText: (chunk) => replayed.push(chunk),
    });
    assert.equal(fake.calls, 1, 'no upstream call for an unchanged run');
    assert.equal(second.cached, true);
    assert.equal(second.layer, 'result');
    assert.equal(second.text, first.text);
    assert.ok(replayed.length > 1, 'a hit is replayed as a stream');
    assert.equal(replayed.join(''), first.text);
    assert.equal(second.costUsd, 0);
    assert.equal(second.savedUsd, first.costUsd);
    assert.deepEqual(
      second.steps.map((step) => `${step.layer}:${step.source}`),
      ['prompt:memory', 'context:memory', 'result:memory'],
    );
    const stats = await engine.stats();
    for (const layer of ['prompt', 'context', 'result'] as const) {
      assert.deepEqual(
        { hits: stats.layers[layer].hits, misses: stats.layers[layer].misses },
        { hits: 1, misses: 1 },
        `${layer} counts one lookup per run, bookkeeping reads aside`,
      );
    }
  });

  it('hands a cached answer over in one piece when asked to (the CLI writing to a pipe)', async () => {
    const request = { workflow: 'explain-selection', workspace, selection: 'const y = 2 * 3;' };
    const first = await engine.pipeline.run(request);
    const whole: string[] = [];
    const second = await engine.pipeline.run({ ...request, onText: (chunk) => whole.push(chunk), replayWhole: true });
    assert.equal(second.cached, true);
    assert.ok(first.text.length > 48, 'long enough to be replayed in several chunks otherwise');
    assert.deepEqual(whole, [first.text]);
  });

  it('runs fresh on request and keeps the fresh answer for the next run', async () => {
    const request = { workflow: 'explain-selection', workspace, selection: 'fresh please' };
    let answerNumber = 0;
    fake.setResponder(() => `answer ${++answerNumber}`);
    try {
      assert.equal((await engine.pipeline.run(request)).text, 'answer 1');
      const fresh = await engine.pipeline.run({ ...request, fresh: true });
      assert.equal(fresh.cached, false);
      assert.equal(fresh.text, 'answer 2');
      assert.deepEqual(fresh.missReasons, ['a fresh answer was asked for']);
      const next = await engine.pipeline.run(request);
      assert.equal(next.cached, true);
      assert.equal(next.text, 'answer 2');
    } finally {
      fake.setResponder(undefined);
    }
  });

  it('misses after a file the workflow read was edited, and names the file', async () => {
    const run = () => engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/math.ts' });
    await run();
    const callsBefore = fake.calls;
    const file = join(workspace, 'src', 'math.ts');
    await writeFile(file, MATH_SOURCE.replace('a + b', 'b + a'));
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);
    const edited = await run();
    assert.equal(edited.cached, false);
    assert.ok(fake.calls > callsBefore);
    assert.ok(
      edited.missReasons.some((reason) => reason.includes('src/math.ts')),
      `reasons: ${edited.missReasons.join(' | ')}`,
    );
    assert.ok(edited.steps.some((step) => step.layer === 'context' && step.source === 'compute'));
  });

  it('pays for a shared module once across two workflows', async () => {
    const review = await engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/math.ts' });
    assert.equal(review.upstreamCalls, 2, 'the file-outline module and the review');
    const tests = await engine.pipeline.run({ workflow: 'write-tests', workspace, filePath: 'src/math.ts' });
    assert.equal(tests.upstreamCalls, 1, 'only the final answer: the module came from the cache');
    const moduleStep = tests.steps.find((step) => step.layer === 'module');
    assert.equal(moduleStep?.module, 'file-outline');
    assert.equal(moduleStep?.source, 'memory');
    assert.equal(fake.calls, 3);
    assert.ok(tests.savedUsd > 0, 'the reused module counts as saved');
  });

  it('misses when the model or max tokens change, and says which', async () => {
    const request = { workflow: 'explain-selection', workspace, selection: 'let y = 2;' };
    await engine.pipeline.run(request);
    engine.applyConfig(resolveConfig(objectReader({ apiBaseUrl: fake.url, storageDir: storage, model: 'claude-opus-5-5' })).config);
    const otherModel = await engine.pipeline.run(request);
    assert.equal(otherModel.cached, false);
    assert.ok(otherModel.missReasons.some((reason) => reason.startsWith('model changed')), otherModel.missReasons.join());
    engine.applyConfig(
      resolveConfig(objectReader({ apiBaseUrl: fake.url, storageDir: storage, model: 'claude-opus-5-5', maxTokens: 999 })).config,
    );
    const otherLimit = await engine.pipeline.run(request);
    assert.equal(otherLimit.cached, false);
    assert.ok(otherLimit.missReasons.some((reason) => reason.startsWith('max tokens changed')));
    assert.equal(fake.calls, 3);
    assert.equal(fake.requests[2]?.max_tokens, 999);
  });

  it('charges exactly what the price table says for the usage reported, 1 h cache writes included', async () => {
    await engine.close();
    engine = await openEngine({ providerCache: '1h' });
    await writeFile(join(workspace, 'src/long.ts'), 'export const value = compute();\n'.repeat(400));
    const result = await engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/long.ts' });
    // review-file asks for the file's outline (a module) and then the review: two calls, each priced by hand.
    assert.equal(fake.usages.length, 2);
    const rates = PRICE_TABLE.models['claude-sonnet-5-5'];
    assert.ok(rates);
    const priced = fake.usages.map(
      (usage) =>
        (usage.input_tokens * rates.input +
          usage.output_tokens * rates.output +
          usage.cache_creation.ephemeral_5m_input_tokens * rates.cacheWrite5m +
          usage.cache_creation.ephemeral_1h_input_tokens * rates.cacheWrite1h +
          usage.cache_read_input_tokens * rates.cacheRead) /
        1_000_000,
    );
    const expected = (priced[0] ?? 0) + (priced[1] ?? 0);
    const written1h = fake.usages.reduce((sum, usage) => sum + usage.cache_creation.ephemeral_1h_input_tokens, 0);
    assert.ok(written1h > 0, 'the file, sent again on the next run, was written for 1 h');
    assert.ok(Math.abs((result.costUsd as number) - expected) < 1e-12);
    assert.equal(result.usage?.cacheWrite1hTokens, written1h);
    const stats = await engine.stats();
    assert.ok(Math.abs(stats.cost.spentUsd - expected) < 1e-12);
    assert.equal(stats.cost.upstreamCalls, 2);
  });

  it('caches nothing when Claude fails, and tells the caller why', async () => {
    fake.failNext(429, { headers: { 'retry-after': '1' } });
    fake.failNext(429, { headers: { 'retry-after': '1' } });
    fake.failNext(429, { headers: { 'retry-after': '1' } });
    await engine.close();
    engine = await openEngine({ requestTimeoutSeconds: 5 });
    const request = { workflow: 'explain-selection', workspace, selection: 'rate limited' };
    const error = await engine.pipeline.run(request).catch((caught: unknown) => caught);
    assert.ok(error instanceof ClaudeRateLimitError, String(error));
    assert.equal(error.retryAfterMs, 1_000);
    const retry = await engine.pipeline.run(request);
    assert.equal(retry.cached, false, 'the failure was not cached');
    assert.equal((await engine.stats()).cost.upstreamCalls, 1, 'the ledger charged only the call that answered');
  });

  it('stops a run cancelled mid-stream and caches nothing', async () => {
    fake.setLatency(0);
    const controller = new AbortController();
    const request = {
      workflow: 'explain-selection',
      workspace,
      selection: 'cancel me '.repeat(50),
      signal: controller.signal,
      onText: () => controller.abort(),
    };
    await assert.rejects(engine.pipeline.run(request), ClaudeCancelledError);
    const again = await engine.pipeline.run({ ...request, signal: undefined, onText: undefined });
    assert.equal(again.cached, false);
  });

  it('needs a key only when it has to call Claude', async () => {
    await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'keyed' });
    await engine.close();
    engine = await openEngine({}, null);
    assert.deepEqual(
      engine.openings.map((opening) => `${opening.tier}:${opening.status}`),
      ['memory:up', 'redis:off', 'surreal:up'],
      JSON.stringify(engine.openings),
    );
    const cached = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'keyed' });
    assert.equal(cached.cached, true, 'served from the persistent tier without a key');
    const outcome = await engine.pipeline
      .run({ workflow: 'explain-selection', workspace, selection: 'not cached yet' })
      .catch((error: unknown) => error);
    assert.ok(outcome instanceof ClaudeAuthenticationError, `got ${JSON.stringify(outcome)}`);
  });

  it('applies request settings live and asks for a reopen only when the tiers change', () => {
    const settings = (extra: Record<string, unknown>) =>
      resolveConfig(objectReader({ apiBaseUrl: fake.url, storageDir: storage, model: 'claude-sonnet-5-5', ...extra })).config;
    assert.deepEqual(engine.applyConfig(settings({ model: 'claude-opus-5-5', 'layers.result.ttlSeconds': 60 })), {
      reopenNeeded: false,
    });
    assert.equal(engine.cache.policy('result').ttlMs, 60_000);
    assert.deepEqual(engine.applyConfig(settings({ 'tiers.timeoutMs': 900 })), { reopenNeeded: true });
    assert.deepEqual(engine.applyConfig(settings({ 'redis.url': 'redis://127.0.0.1:1' })), { reopenNeeded: true });
  });

  it('keeps hit counts across engine restarts until they are reset', async () => {
    const request = { workflow: 'explain-selection', workspace, selection: 'counted' };
    await engine.pipeline.run(request);
    await engine.pipeline.run(request);
    await engine.close();
    engine = await openEngine();
    await engine.pipeline.run(request);
    const counted = await engine.stats();
    assert.deepEqual({ hits: counted.layers.result.hits, misses: counted.layers.result.misses }, { hits: 2, misses: 1 });
    assert.equal(counted.cost.avoidedCalls, 2);
    await engine.resetStats();
    const reset = await engine.stats();
    assert.deepEqual({ hits: reset.layers.result.hits, misses: reset.layers.result.misses }, { hits: 0, misses: 0 });
    assert.equal(reset.cost.spentUsd, 0);
    assert.equal(reset.tiers.surreal.entries > 0, true, 'a reset forgets counts, not cached answers');
  });

  it('runs workflow files and skips a broken one with a clear problem', async () => {
    await mkdir(join(workspace, '.claude', 'commands', 'frontend'), { recursive: true });
    await writeFile(join(workspace, '.claude', 'commands', 'frontend', 'lint.md'), 'Lint this: $ARGUMENTS\n');
    // A list whose items are indented unevenly is not YAML at all (an unclosed `[` on a plain line is read as text).
    await writeFile(join(workspace, '.claude', 'commands', 'broken.md'), '---\ntags:\n  - one\n - two\n---\nBody\n');
    const result = await engine.pipeline.run({
      workflow: 'frontend:lint',
      workspace,
      params: { args: ['src/math.ts', '--strict'] },
    });
    assert.match(result.text, /^Fake Claude answer to: Lint this: src\/math.ts --strict/);
    await assert.rejects(engine.pipeline.run({ workflow: 'broken', workspace }), { code: 'E_WORKFLOW_UNKNOWN' });
  });
});
