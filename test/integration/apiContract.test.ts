import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClaudeModelNotFoundError } from '../../src/core/claude';
import { CacheEngine } from '../../src/core/engine';
import { FAMILY_ALIASES, ModelRetiredError, UnknownModelError } from '../../src/core/models';
import { EmptyPromptError } from '../../src/core/workflows';
import { git, gitCeilingPerSuite } from '../helpers/gitRepository';
import { fakeAnthropicPerSuite, makeTempWorkspace, testEngineConfig } from '../helpers/engineWorkspace';

/**
 * The product against the strict double of API version 2026-10-21: what the issue "Works against the real Claude
 * API" promises, end to end through the engine (real SDK, embedded SurrealDB in a temp folder).
 */
describe('the Claude API contract, through the engine', function () {
  this.timeout(60_000);
  const fake = fakeAnthropicPerSuite();
  let root: string;
  let workspace: string;
  let storage: string;
  let engine: CacheEngine;

  async function command(name: string, text: string): Promise<void> {
    await mkdir(join(workspace, '.claude/commands'), { recursive: true });
    await writeFile(join(workspace, '.claude/commands', `${name}.md`), text);
  }

  gitCeilingPerSuite();

  /** A git repository with one commit and an uncommitted edit, for the workflow that reads the diff. */
  async function commitThenEdit(): Promise<void> {
    git(workspace, 'init', '-q');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-qm', 'start');
    await writeFile(join(workspace, 'src/long.ts'), 'export const edited = 1;\n');
  }

  beforeEach(async () => {
    ({ root, workspace, storage } = await makeTempWorkspace('contract-', { 'src/long.ts': 'export const x = compute();\n'.repeat(300) }));
    engine = await CacheEngine.open({ config: testEngineConfig(fake.url, storage), apiKey: 'test-key' });
  });

  afterEach(async () => {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  });

  for (const workflow of ['explain-selection', 'review-file', 'summarize-changes', 'write-tests']) {
    it(`runs the built-in ${workflow} without a refusal from the strict double`, async () => {
      if (workflow === 'summarize-changes') await commitThenEdit();
      const result = await engine.pipeline.run({ workflow, workspace, filePath: 'src/long.ts', selection: 'const y = 2;' });
      assert.equal(result.stopReason, 'end_turn');
      assert.deepEqual(fake.errors, [], 'the double refused nothing');
      for (const sent of fake.requests) {
        assert.equal('temperature' in sent, false);
        assert.ok(sent.max_tokens > 4096, 'the default leaves room for thinking plus the answer');
      }
    });
  }

  it('runs a workflow file that says `model: haiku` on the current Haiku id', async () => {
    await command('quick', '---\nmodel: haiku\n---\nSay hello to $ARGUMENTS.');
    const result = await engine.pipeline.run({ workflow: 'quick', workspace, params: { args: ['Ada'], inputs: {} } });
    assert.equal(result.stopReason, 'end_turn');
    assert.equal(fake.requests[0]?.model, FAMILY_ALIASES.haiku);
    assert.equal(result.model, FAMILY_ALIASES.haiku);
  });

  it('refuses an unknown model before any call, naming the model and the file that chose it', async () => {
    await command('odd', '---\nmodel: gpt-9-turbo\n---\nHello.');
    const error = await engine.pipeline.run({ workflow: 'odd', workspace }).catch((caught: unknown) => caught);
    assert.ok(error instanceof UnknownModelError, String(error));
    assert.match(error.message, /"gpt-9-turbo" \(chosen by the model: line of \.claude\/commands\/odd\.md\)/);
    assert.equal(fake.calls, 0);
  });

  it('refuses a retired model before any call, naming its replacement', async () => {
    await command('old', '---\nmodel: claude-3-opus-20240229\n---\nHello.');
    const error = await engine.pipeline.run({ workflow: 'old', workspace }).catch((caught: unknown) => caught);
    assert.ok(error instanceof ModelRetiredError, String(error));
    assert.match(error.message, /retired on \d{4}-\d{2}-\d{2}.*use claude-/);
    assert.equal(fake.calls, 0);
  });

  it("names the model and its setting when the API itself answers 404 (the API's words kept)", async () => {
    // A model id the table knows but this double does not serve: the 404 comes from the API side.
    await engine.close();
    engine = await CacheEngine.open({ config: testEngineConfig(fake.url, storage, { model: 'claude-opus-5-5' }), apiKey: 'test-key' });
    fake.failNext(404, { body: { type: 'error', error: { type: 'not_found_error', message: 'model: claude-opus-5-5' } } });
    const error = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'x' }).catch((caught: unknown) => caught);
    assert.ok(error instanceof ClaudeModelNotFoundError, String(error));
    assert.match(error.message, /"claude-opus-5-5" \(chosen by the claudeCache\.model setting\): model: claude-opus-5-5/);
  });

  it('reports a max_tokens stop, caches nothing, and calls the API again on the identical next run', async () => {
    fake.stopNext('max_tokens');
    const cut = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'const a = 1;' });
    assert.equal(cut.stopReason, 'max_tokens');
    assert.match(cut.stopNote ?? '', /cut off at [\d,]+ tokens/);
    assert.equal(cut.cached, false);
    assert.ok(typeof cut.costUsd === 'number' && cut.costUsd > 0, 'the cut-off call is still charged');
    const again = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'const a = 1;' });
    assert.equal(fake.calls, 2, 'the cut-off answer was never served as a hit');
    assert.equal(again.stopReason, 'end_turn');
    const third = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'const a = 1;' });
    assert.equal(third.cached, true, 'the complete answer is cached');
    assert.equal(fake.calls, 2);
  });

  for (const reason of ['pause_turn', 'model_context_window_exceeded'] as const) {
    it(`never caches an answer that stopped with ${reason}`, async () => {
      fake.stopNext(reason);
      const cut = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: reason });
      assert.equal(cut.stopReason, reason);
      assert.ok(cut.stopNote);
      await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: reason });
      assert.equal(fake.calls, 2);
    });
  }

  it('shows a refusal as a refusal, charges its usage, and never serves it from the cache', async () => {
    fake.stopNext('refusal', { category: 'cyber', explanation: 'This looks like malware.' });
    const refused = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'rm -rf' });
    assert.equal(refused.stopReason, 'refusal');
    assert.match(refused.stopNote ?? '', /declined to answer \(This looks like malware\.\)/);
    const stats = await engine.stats();
    assert.equal(stats.cost.upstreamCalls, 1);
    assert.equal(stats.cost.spentUsd, refused.costUsd);
    const again = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'rm -rf' });
    assert.equal(again.cached, false);
    assert.equal(fake.calls, 2);
  });

  it('keeps a module cut off at max_tokens, and the answer built on it, out of the cache', async () => {
    // review-file asks for the file's outline first (a module), then the review.
    fake.stopNext('max_tokens');
    const first = await engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/long.ts' });
    assert.equal(first.stopReason, 'end_turn');
    const calls = fake.calls;
    await engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/long.ts' });
    assert.equal(fake.calls, calls + 2, 'module and answer were both asked again');
  });

  it('refuses a prompt that is empty after its arguments are filled in, before any call', async () => {
    await command('ask', '---\nargument-hint: <question>\n---\n$ARGUMENTS');
    const error = await engine.pipeline.run({ workflow: 'ask', workspace }).catch((caught: unknown) => caught);
    assert.ok(error instanceof EmptyPromptError, String(error));
    assert.match(error.message, /<question>/);
    assert.equal(fake.calls, 0);
  });

  it('puts no provider-cache breakpoint on a selection, which is seldom sent twice', async () => {
    await engine.close();
    engine = await CacheEngine.open({ config: testEngineConfig(fake.url, storage, { providerCache: '5m' }), apiKey: 'test-key' });
    await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'const big = 1;\n'.repeat(2000) });
    assert.ok(!JSON.stringify(fake.requests[0]).includes('cache_control'), 'nothing marked for caching');
    assert.equal(fake.usages[0]?.cache_creation.ephemeral_5m_input_tokens, 0);
  });

  it('sends a file that repeats with a breakpoint on it', async () => {
    await engine.close();
    engine = await CacheEngine.open({ config: testEngineConfig(fake.url, storage, { providerCache: '5m' }), apiKey: 'test-key' });
    await engine.pipeline.run({ workflow: 'write-tests', workspace, filePath: 'src/long.ts' });
    assert.ok(JSON.stringify(fake.requests.at(-1)).includes('"cache_control"'));
  });

  it('warns once that an old temperature setting is ignored, and runs without it', async () => {
    await engine.close();
    engine = await CacheEngine.open({ config: testEngineConfig(fake.url, storage, {}), apiKey: 'test-key' });
    const { resolveConfig, objectReader } = await import('../../src/core/config');
    const { problems } = resolveConfig(objectReader({ temperature: 0 }));
    assert.deepEqual(problems.map((problem) => problem.setting), ['claudeCache.temperature']);
    const result = await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'z' });
    assert.equal(result.stopReason, 'end_turn');
  });

  it('tells a progress display each step: checking the cache, each Claude call (module or answer), the spend', async () => {
    const events: string[] = [];
    await engine.pipeline.run({
      workflow: 'review-file',
      workspace,
      filePath: 'src/long.ts',
      onProgress: (event) => events.push(event.kind === 'calling-claude' ? `call:${event.module ?? 'answer'}` : event.kind),
    });
    assert.deepEqual(events, ['checking-cache', 'call:file-outline', 'spent', 'call:answer', 'spent']);
    const cached: string[] = [];
    await engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/long.ts', onProgress: (event) => cached.push(event.kind) });
    assert.deepEqual(cached, ['checking-cache'], 'a hit calls nobody');
  });

  it('a fresh run re-reads the context from disk instead of reusing the cached snapshot', async () => {
    await engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/long.ts' });
    await writeFile(join(workspace, 'src/long.ts'), 'export const changed = true;\n');
    await engine.pipeline.run({ workflow: 'review-file', workspace, filePath: 'src/long.ts', fresh: true });
    assert.ok(JSON.stringify(fake.requests.at(-1)).includes('export const changed = true;'));
  });
});
