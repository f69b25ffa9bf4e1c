import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { decodeValue, encodeValue } from '../../src/core/codec';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import { SimilarAnswers } from '../../src/core/similar/similarAnswers';
import { similarAnswerText } from '../../src/core/similar/similarAnswerText';
import { SIMILAR_TABLE_EXTENSION } from '../../src/core/similar/similarSchema';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import { runCli } from '../../src/cli/main';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';

const ADD = 'function addNumbers(first, second) { return first + second; }';
const ADD_AGAIN = 'function addNumbers(left, right) { return left + right; }';
const PARSE = 'const parsed = JSON.parse(configurationText);';

describe('Similar cached answers (SurrealDB full-text search)', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let root: string;
  let workspace: string;
  let engine: CacheEngine;

  async function openEngine(settings: Record<string, unknown> = {}, encryptionKey?: string): Promise<CacheEngine> {
    const { config, problems } = resolveConfig(
      objectReader({ apiBaseUrl: fake.url, storageDir: join(root, 'storage'), ...settings }),
    );
    assert.deepEqual(problems, []);
    return CacheEngine.open({ config, apiKey: 'test-key', ...(encryptionKey ? { encryptionKey } : {}) });
  }

  async function explain(selection: string) {
    return engine.pipeline.run({ workflow: 'explain-selection', workspace, selection });
  }

  before(async () => {
    fake = await startFakeAnthropic();
    root = await mkdtemp(join(tmpdir(), 'similar-'));
    workspace = join(root, 'workspace');
    await mkdir(workspace, { recursive: true });
    engine = await openEngine();
  });

  after(async () => {
    await engine?.close().catch(() => undefined);
    await fake?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('offers the cached answer of a similar prompt, with a score, best first', async () => {
    const added = await explain(ADD);
    await explain(PARSE);
    await settle(engine);
    const prompt = engine.lastAnswerPrompt;
    assert.equal(prompt?.workflow, 'explain-selection');
    const similar = await engine.similarAnswers({ prompt: `Explain this: ${ADD_AGAIN}` });
    assert.ok(similar.length >= 1, 'a similar answer is found');
    assert.equal(similar[0]?.answer.text, added.text, 'the closest one first');
    assert.equal(similar[0]?.workflow, 'explain-selection');
    assert.ok((similar[0]?.score ?? 0) > (similar[1]?.score ?? 0));
    assert.match(similarAnswerText(similar[0]!), /# Suggestion: a cached answer to a similar prompt/);
  });

  it('is never served as a hit: the similar prompt still calls Claude, and searching counts nothing', async () => {
    const hitsBefore = engine.cache.stats.layers.result.hits;
    const missesBefore = engine.cache.stats.layers.result.misses;
    const similar = await engine.similarAnswers({ prompt: ADD_AGAIN });
    assert.ok(similar.length >= 1);
    assert.equal(engine.cache.stats.layers.result.hits, hitsBefore);
    assert.equal(engine.cache.stats.layers.result.misses, missesBefore);
    const calls = fake.calls;
    const run = await explain(ADD_AGAIN);
    assert.equal(run.cached, false);
    assert.equal(fake.calls, calls + 1, 'Claude answered the new prompt itself');
  });

  it('leaves out the excluded key, filters by workflow, and finds nothing for unrelated words', async () => {
    await settle(engine);
    const own = engine.lastAnswerPrompt!;
    const all = await engine.similarAnswers({ prompt: ADD_AGAIN, limit: 10 });
    assert.ok(all.some((answer) => answer.key === own.key));
    const others = await engine.similarAnswers({ prompt: ADD_AGAIN, excludeKey: own.key, limit: 10 });
    assert.ok(!others.some((answer) => answer.key === own.key));
    assert.deepEqual(await engine.similarAnswers({ prompt: ADD_AGAIN, workflow: 'review-file' }), []);
    assert.deepEqual(await engine.similarAnswers({ prompt: 'zebra xylophone quokka' }), []);
    assert.deepEqual(await engine.similarAnswers({ prompt: '   ' }), []);
  });

  it('does not index a prompt that holds a likely secret', async () => {
    const secret = 'const password = "hunter2-is-a-terrible-password"; function uniqueSecretHolder() {}';
    await explain(secret);
    await settle(engine);
    assert.deepEqual(await engine.similarAnswers({ prompt: 'uniqueSecretHolder' }), []);
  });

  it('is off when values are encrypted at rest', async () => {
    const other = join(root, 'encrypted');
    const { config } = resolveConfig(objectReader({ apiBaseUrl: fake.url, storageDir: other, 'encryption.enabled': true }));
    const sealed = await CacheEngine.open({ config, apiKey: 'k', encryptionKey: Buffer.alloc(32, 7).toString('base64') });
    try {
      assert.equal(sealed.encrypted, true);
      assert.equal(sealed.similar, undefined);
      assert.deepEqual(await sealed.similarAnswers({ prompt: ADD }), []);
    } finally {
      await sealed.close();
    }
  });
  it('answers claude-cache similar with suggestions, as JSON and as a table', async () => {
    // The CLI opens the same storage folder; this engine lets go of it first.
    await engine.close();
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: (text: string) => (stdout += text),
      stderr: (text: string) => (stderr += text),
      env: { CLAUDE_CACHE_STORAGE_DIR: join(root, 'storage'), HOME: root, ANTHROPIC_BASE_URL: fake.url },
      cwd: workspace,
    };
    assert.equal(await runCli(['similar', 'addNumbers', 'return', '--json'], io), 0, stderr);
    const { suggestions } = JSON.parse(stdout) as { suggestions: Array<{ workflow: string; text: string }> };
    assert.ok(suggestions.length >= 1, stderr);
    assert.equal(suggestions[0]?.workflow, 'explain-selection');
    stdout = '';
    assert.equal(await runCli(['similar', 'addNumbers', '--limit', '1'], io), 0, stderr);
    assert.match(stdout, /explain-selection/);
    assert.equal(await runCli(['similar'], io), 2, 'text is required');
  });
});

describe('SimilarAnswers on an injected clock', function () {
  this.timeout(30_000);

  it('stops suggesting an answer once it expires, and refuses secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'similar-clock-'));
    const clock = new ManualClock();
    const store = await SurrealStore.open({
      url: `surrealkv://${join(dir, 'db')}`,
      clock,
      cleanupIntervalMs: 0,
      share: false,
      tableExtensions: [SIMILAR_TABLE_EXTENSION],
    });
    try {
      const codec = { encode: encodeValue, decode: decodeValue };
      const similar = new SimilarAnswers((text, bindings) => store.query(text, bindings), (key) => store.get('result', key), codec, clock);
      const answer = { text: 'It adds.', model: 'm', stopReason: null, usage: {}, costUsd: 0, createdAt: 0 };
      await store.set('result', 'explain-selection:k1:aa', encodeValue(answer), { ttlMs: 60_000 });
      assert.equal(await similar.remember({ key: 'explain-selection:k1:aa', prompt: `Explain ${ADD}`, ttlMs: 60_000 }), true);
      assert.equal((await similar.find({ prompt: ADD_AGAIN }))[0]?.answer.text, 'It adds.');
      assert.equal(await similar.remember({ key: 'x:k1:bb', prompt: 'explain password="correct-horse-battery"', ttlMs: 60_000 }), false);
      clock.advance(60_000);
      assert.deepEqual(await similar.find({ prompt: ADD_AGAIN }), []);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Indexing runs beside the run; this waits for what it has started. */
async function settle(engine: CacheEngine): Promise<void> {
  await engine.similarIndexSettled();
}
