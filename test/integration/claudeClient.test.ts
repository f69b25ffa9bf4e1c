import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { ClaudeClient, type ClaudeRequest } from '../../src/core/claude/claudeClient';
import { DEFAULT_MODEL, minCacheableTokens } from '../../src/core/models';
import { ClaudeModelNotFoundError, ClaudeRequestError, ClaudeTimeoutError } from '../../src/core/claude/errors';
import { CostLedger } from '../../src/core/cost/costLedger';
import { defaultAnswer, defaultThinking, fakeTokens, startFakeAnthropic, type FakeAnthropic, type FakeRequestBody } from '../helpers/fakeAnthropic';

const API_KEY = 'sk-ant-test-0123456789abcdef';

/** A system prompt comfortably above the default model's minimum cacheable length even by the client's low estimate. */
const LONG_SYSTEM = 'You review TypeScript code for a VS Code extension. '.repeat(100); // 5200 chars
const LONG_CONTEXT = 'export function add(a: number, b: number): number { return a + b; }\n'.repeat(70); // 4760 chars

/** Output tokens the double bills for its default answer: thinking (the default model thinks) plus the text. */
function billedOutput(body: FakeRequestBody): number {
  return fakeTokens(defaultThinking(body)) + fakeTokens(defaultAnswer(body));
}

/** Characters that make `tokens` tokens by the client's low estimate (4 characters a token). */
function charsFor(tokens: number): number {
  return tokens * 4;
}

function request(overrides: Partial<ClaudeRequest> = {}): ClaudeRequest {
  return {
    model: DEFAULT_MODEL,
    prompt: 'Explain the selection.',
    maxTokens: 1024,
    providerCache: '5m',
    ...overrides,
  };
}

describe('ClaudeClient through the real SDK against the fake API', () => {
  let fake: FakeAnthropic;
  let clock: ManualClock;
  let client: ClaudeClient;

  beforeEach(async () => {
    clock = new ManualClock();
    fake = await startFakeAnthropic({ clock });
    client = new ClaudeClient({ apiKey: API_KEY, baseURL: fake.url, maxRetries: 0, timeoutMs: 5_000 });
  });

  afterEach(async () => {
    await fake.close();
  });

  describe('streaming', () => {
    it('delivers the answer to onText in several chunks and resolves with the whole text', async () => {
      const chunks: string[] = [];
      const response = await client.complete(request(), { onText: (chunk) => chunks.push(chunk) });

      const expected = 'Fake Claude answer to: Explain the selection.';
      assert.equal(response.text, expected);
      assert.ok(chunks.length >= 5, `expected several chunks, got ${chunks.length}`);
      assert.equal(chunks.join(''), expected);
      assert.equal(response.model, DEFAULT_MODEL);
      assert.equal(response.stopReason, 'end_turn');
      assert.equal(fake.calls, 1);
      assert.equal(fake.requests[0]?.stream, true);
    });

    it('reports max_tokens when the answer is cut at the token limit, thinking included', async () => {
      // The default model thinks first: its thinking alone fills a cap of 2 tokens, so no text is left.
      const thinkingFirst = await client.complete(request({ maxTokens: 2 }));
      assert.equal(thinkingFirst.text, '');
      assert.equal(thinkingFirst.stopReason, 'max_tokens');
      assert.equal(thinkingFirst.usage.outputTokens, 2);
      // A model that does not think: max_tokens 2 lets the double emit 2 * 4 characters.
      const plain = await client.complete(request({ model: 'claude-haiku-4-5', maxTokens: 2 }));
      assert.equal(plain.text, 'Fake Cla');
      assert.equal(plain.stopReason, 'max_tokens');
    });

    it('keeps thinking out of the answer and out of onText, and bills its tokens as output', async () => {
      fake.setResponder(() => ({ text: 'The answer.', thinking: 'Thinking about: a secret plan' }));
      const chunks: string[] = [];
      const response = await client.complete(request({ thinking: { type: 'adaptive', display: 'summarized' } }), {
        onText: (chunk) => chunks.push(chunk),
      });
      assert.equal(response.text, 'The answer.');
      assert.equal(chunks.join(''), 'The answer.');
      assert.ok((response.thinkingChars ?? 0) > 0, 'the summarized thinking was streamed and counted');
      assert.equal(response.usage.outputTokens, fakeTokens('Thinking about: a secret plan') + fakeTokens('The answer.'));
    });

    for (const reason of ['refusal', 'pause_turn', 'model_context_window_exceeded', 'stop_sequence'] as const) {
      it(`passes the ${reason} stop reason through with the text so far`, async () => {
        fake.stopNext(reason);
        const response = await client.complete(request());
        assert.equal(response.stopReason, reason);
        if (reason === 'refusal') {
          assert.equal(response.stopDetails?.type, 'refusal');
        } else {
          assert.equal(response.stopDetails, undefined);
        }
      });
    }

    it('refuses an empty prompt before any call', async () => {
      await assert.rejects(client.complete(request({ prompt: '  \n' })), ClaudeRequestError);
      assert.equal(fake.calls, 0);
    });

    it('names the model and what chose it when the API does not know it', async () => {
      const error = await client
        .complete(request({ model: 'claude-nonexistent-9', modelSource: 'the model: line of .claude/commands/x.md' }))
        .then(() => undefined, (caught: unknown) => caught);
      assert.ok(error instanceof ClaudeModelNotFoundError, String(error));
      assert.match(error.message, /"claude-nonexistent-9" \(chosen by the model: line of \.claude\/commands\/x\.md\)/);
      assert.match(error.message, /model: claude-nonexistent-9/, "the API's own words are kept");
    });

    it('holds one deadline for the answer to start, retries included, and says so', async () => {
      const slow = new ClaudeClient({ apiKey: API_KEY, baseURL: fake.url, maxRetries: 2, timeoutMs: 300 });
      fake.hangNext();
      fake.hangNext();
      fake.hangNext();
      const error = await slow.complete(request()).then(() => undefined, (caught: unknown) => caught);
      assert.ok(error instanceof ClaudeTimeoutError, String(error));
      assert.equal(error.phase, 'start');
      assert.match(error.message, /within 0\.3 s \(retries included\)/);
      // One deadline, not three: at most one SDK attempt timed out before ours fired.
      assert.ok(fake.calls <= 2, `the SDK made ${fake.calls} attempts inside one 300 ms deadline`);
    });

    it('never sends a sampling parameter, which API version 2026-10-21 refuses', async () => {
      await client.complete(request());
      const sent = fake.requests[0] ?? {};
      for (const field of ['temperature', 'top_p', 'top_k']) assert.equal(field in sent, false, field);
      assert.deepEqual(Object.keys(sent).sort(), ['max_tokens', 'messages', 'model', 'stream', 'system'].filter((f) => f in sent).sort());
    });

    it('lets the responder choose the answer per request', async () => {
      fake.setResponder((body) => (body.model === 'claude-opus-5-5' ? 'from opus' : undefined));
      assert.equal((await client.complete(request({ model: 'claude-opus-5-5' }))).text, 'from opus');
      assert.equal((await client.complete(request())).text, 'Fake Claude answer to: Explain the selection.');
    });
  });

  describe('provider prompt caching', () => {
    it('puts breakpoints on the system prompt and context blocks, and the prompt last without one', async () => {
      await client.complete(
        request({ system: LONG_SYSTEM, contextBlocks: [LONG_CONTEXT, 'tiny block'], providerCache: '1h' }),
      );
      const body = fake.requests[0]!;
      assert.ok(Array.isArray(body.system));
      assert.deepEqual(body.system[0]?.cache_control, { type: 'ephemeral', ttl: '1h' });
      const content = body.messages[0]?.content;
      assert.ok(Array.isArray(content));
      assert.equal(content.length, 3);
      assert.equal(content[0]?.text, LONG_CONTEXT);
      assert.deepEqual(content[0]?.cache_control, { type: 'ephemeral', ttl: '1h' });
      assert.deepEqual(content[1]?.cache_control, { type: 'ephemeral', ttl: '1h' });
      assert.equal(content[2]?.text, 'Explain the selection.');
      assert.equal(content[2]?.cache_control, undefined);
    });

    it('places no breakpoint on a prefix shorter than the model minimum', async () => {
      const minimum = minCacheableTokens(DEFAULT_MODEL);
      // The whole prefix stays one token under the minimum by the low estimate.
      await client.complete(request({ system: 'x'.repeat(charsFor(minimum - 101)), contextBlocks: ['y'.repeat(charsFor(100))] }));
      const body = fake.requests[0]!;
      const blocks = [...(body.system as Array<{ cache_control?: unknown }>), ...(body.messages[0]?.content as Array<{ cache_control?: unknown }>)];
      assert.equal(blocks.length, 3);
      assert.ok(blocks.every((block) => block.cache_control === undefined));
    });

    it('starts marking once the growing prefix clears the minimum', async () => {
      const minimum = minCacheableTokens(DEFAULT_MODEL);
      // The system prompt alone is under the minimum; with the first block it clears it: that block carries the mark.
      await client.complete(request({ system: 'x'.repeat(charsFor(minimum - 50)), contextBlocks: ['y'.repeat(charsFor(60))] }));
      const body = fake.requests[0]!;
      assert.equal((body.system as Array<{ cache_control?: unknown }>)[0]?.cache_control, undefined);
      const content = body.messages[0]?.content as Array<{ cache_control?: unknown }>;
      assert.deepEqual(content[0]?.cache_control, { type: 'ephemeral', ttl: '5m' });
    });

    it('sends no cache_control at all when provider caching is off', async () => {
      await client.complete(request({ system: LONG_SYSTEM, contextBlocks: [LONG_CONTEXT], providerCache: 'off' }));
      assert.ok(!JSON.stringify(fake.requests[0]).includes('cache_control'));
    });

    it('maps 1h cache writes, then reads the same prefix from the provider cache on the second call', async () => {
      const req = request({ system: LONG_SYSTEM, contextBlocks: [LONG_CONTEXT], providerCache: '1h' });
      const first = await client.complete(req);
      // The fake counts ceil(chars / 4): system 5200 -> 1300, context 4760 -> 1190, prompt 22 -> 6.
      const prefix = fakeTokens(LONG_SYSTEM) + fakeTokens(LONG_CONTEXT);
      assert.equal(prefix, 1300 + 1190);
      const outputTokens = billedOutput(fake.requests[0]!);
      assert.deepEqual(first.usage, {
        inputTokens: 6,
        outputTokens,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 2490,
        cacheReadTokens: 0,
      });

      clock.advance(30 * 60_000); // half an hour: still inside the 1h TTL
      const second = await client.complete(req);
      assert.deepEqual(second.usage, {
        inputTokens: 6,
        outputTokens,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 0,
        cacheReadTokens: 2490,
      });
    });

    it('writes the prefix again once a 5m entry has expired on the fake clock', async () => {
      const req = request({ system: LONG_SYSTEM, providerCache: '5m' });
      const first = await client.complete(req);
      assert.equal(first.usage.cacheWrite5mTokens, 1300);
      clock.advance(6 * 60_000);
      const second = await client.complete(req);
      assert.equal(second.usage.cacheReadTokens, 0);
      assert.equal(second.usage.cacheWrite5mTokens, 1300);
    });

    it('feeds the ledger: a cold and a warm call priced by hand on Sonnet 5.5', async () => {
      const ledger = new CostLedger();
      const req = request({ system: LONG_SYSTEM, contextBlocks: [LONG_CONTEXT], providerCache: '1h', prompt: 'Why?' });
      // prompt 'Why?' = 1 token; answer 'Fake Claude answer to: Why?' = 27 chars = 7 tokens; thinking
      // 'Thinking about: Why?' = 20 chars = 5 tokens, billed as output: 12 output tokens.
      const cold = await client.complete(req);
      const warm = await client.complete(req);
      assert.equal(cold.usage.outputTokens, 12);
      const coldCost = ledger.recordUpstreamCall({ model: cold.model, usage: cold.usage });
      const warmCost = ledger.recordUpstreamCall({ model: warm.model, usage: warm.usage });
      // Sonnet 5.5: $2 in, $10 out, $4 1h write, $0.10 read (per million tokens).
      // cold: 1*2 + 12*10 + 2490*4   = 2 + 120 + 9960 = 10082 micro-dollars
      // warm: 1*2 + 12*10 + 2490*0.1 = 2 + 120 + 249  =   371 micro-dollars
      assert.ok(Math.abs((coldCost.costUsd as number) - 0.010082) < 1e-12);
      assert.ok(Math.abs((warmCost.costUsd as number) - 0.000371) < 1e-12);
      // provider cache: cold -2490*(4-2) = -4980, warm +2490*(2-0.1) = +4731 -> -249 micro-dollars
      assert.ok(Math.abs(ledger.totals().savedByProviderCacheUsd - -0.000249) < 1e-12);
    });

    it('reads the unchanged system prompt when only a later context block changed', async () => {
      await client.complete(request({ system: LONG_SYSTEM, contextBlocks: [LONG_CONTEXT] }));
      const changed = await client.complete(request({ system: LONG_SYSTEM, contextBlocks: [`${LONG_CONTEXT}// edited\n`] }));
      assert.equal(changed.usage.cacheReadTokens, 1300);
      assert.equal(changed.usage.cacheWrite5mTokens, fakeTokens(`${LONG_CONTEXT}// edited\n`));
    });
  });
});
