import assert from 'node:assert/strict';
import Anthropic, {
  APIError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  OverloadedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { ManualClock } from '../../src/core/clock';
import {
  defaultAnswer,
  defaultThinking,
  FAKE_API_VERSION,
  fakeTokens,
  KNOWN_MODELS,
  RETIRED_MODELS,
  startFakeAnthropic,
  type FakeAnthropic,
  type FakeRequestBody,
} from '../helpers/fakeAnthropic';

const KEY = 'sk-ant-strict-double-test';
/** A model that does not think unless asked: keeps token arithmetic about the text alone. */
const PLAIN_MODEL = 'claude-opus-4-8';
/** The project's default model: thinks by default, thinking text omitted unless `display: summarized`. */
const THINKING_MODEL = 'claude-sonnet-5-5';

interface Reply {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

interface SseFrame {
  event: string;
  data: Record<string, unknown>;
}

function base(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: PLAIN_MODEL, max_tokens: 256, messages: [{ role: 'user', content: 'Hello there' }], ...overrides };
}

function errorOf(reply: Reply): { type: string; message: string } {
  assert.equal(reply.json.type, 'error');
  assert.equal(typeof reply.json.request_id, 'string', 'every error body carries a request_id');
  return reply.json.error as { type: string; message: string };
}

describe('Strict Claude API double (API version 2026-10-21)', () => {
  let fake: FakeAnthropic;
  let clock: ManualClock;
  let sdk: Anthropic;

  beforeEach(async () => {
    clock = new ManualClock();
    fake = await startFakeAnthropic({ clock });
    sdk = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0, timeout: 5_000 });
  });

  afterEach(async () => {
    await fake.close();
  });

  async function post(body: unknown, headers: Record<string, string | undefined> = {}): Promise<Reply> {
    const sent: Record<string, string> = { 'content-type': 'application/json' };
    const merged = { 'x-api-key': KEY, 'anthropic-version': FAKE_API_VERSION, ...headers };
    for (const [name, value] of Object.entries(merged)) if (value !== undefined) sent[name] = value;
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: sent,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
  }

  async function expectRefusal(body: unknown, status: number, type: string, message: string | RegExp): Promise<void> {
    const reply = await post(body);
    assert.equal(reply.status, status, JSON.stringify(reply.json));
    const error = errorOf(reply);
    assert.equal(error.type, type);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
  }

  async function stream(body: Record<string, unknown>): Promise<SseFrame[]> {
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': FAKE_API_VERSION },
      body: JSON.stringify({ ...body, stream: true }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const text = await response.text();
    return text
      .split('\n\n')
      .filter((frame) => frame.trim() !== '')
      .map((frame) => {
        const event = /^event: (.+)$/m.exec(frame)?.[1] ?? '';
        const data = JSON.parse(/^data: (.+)$/m.exec(frame)?.[1] ?? '{}') as Record<string, unknown>;
        assert.equal(data.type, event, 'each SSE event name matches the type in its data');
        return { event, data };
      });
  }

  function deltas(frames: SseFrame[], kind: string): string[] {
    return frames
      .filter((frame) => frame.event === 'content_block_delta' && (frame.data.delta as { type: string }).type === kind)
      .map((frame) => {
        const delta = frame.data.delta as Record<string, string>;
        return (kind === 'text_delta' ? delta.text : kind === 'thinking_delta' ? delta.thinking : delta.signature) ?? '';
      });
  }

  describe('headers', () => {
    it('refuses a request without anthropic-version', async () => {
      const reply = await post(base(), { 'anthropic-version': undefined });
      assert.equal(reply.status, 400);
      assert.deepEqual(errorOf(reply), { type: 'invalid_request_error', message: 'anthropic-version: header is required' });
    });

    it('refuses a version the API does not know', async () => {
      const reply = await post(base(), { 'anthropic-version': '2024-10-22' });
      assert.equal(reply.status, 400);
      assert.equal(errorOf(reply).message, 'anthropic-version: "2024-10-22" is not a valid version');
    });

    it('refuses a request without an API key with a 401 authentication_error', async () => {
      const reply = await post(base(), { 'x-api-key': undefined });
      assert.equal(reply.status, 401);
      assert.deepEqual(errorOf(reply), { type: 'authentication_error', message: 'x-api-key header is required' });
    });

    it('accepts the key as Authorization: Bearer, the way SDK 1.x sends it', async () => {
      const reply = await post(base(), { 'x-api-key': undefined, authorization: `Bearer ${KEY}` });
      assert.equal(reply.status, 200);
    });

    it('checks the key itself when the double is given one', async () => {
      await fake.close();
      fake = await startFakeAnthropic({ apiKey: KEY });
      const reply = await post(base(), { 'x-api-key': 'sk-ant-wrong' });
      assert.equal(reply.status, 401);
      assert.equal(errorOf(reply).message, 'invalid x-api-key');
      assert.equal((await post(base())).status, 200);
    });

    it('records the headers the SDK sent: the 2026-10-21 version and a Bearer key', async () => {
      await sdk.messages.create({ model: PLAIN_MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
      const headers = fake.requestHeaders[0];
      assert.ok(headers);
      assert.equal(headers['anthropic-version'], '2026-10-21');
      assert.equal(headers.authorization, `Bearer ${KEY}`);
      assert.equal(headers['x-api-key'], undefined);
    });
  });

  describe('top-level fields', () => {
    for (const [field, value] of [
      ['temperature', 1.0],
      ['temperature', 0],
      ['top_p', 1],
      ['top_k', 40],
    ] as const) {
      it(`refuses ${field}: ${value} with "Extra inputs are not permitted", even at a default value`, async () => {
        await expectRefusal(base({ [field]: value }), 400, 'invalid_request_error', `${field}: Extra inputs are not permitted`);
      });
    }

    it('surfaces the refusal of temperature through the SDK as a BadRequestError', async () => {
      // An object spread gets past the SDK's types, which is how the product once sent it.
      const params = { ...base(), temperature: 0.2 } as unknown as MessageCreateParamsNonStreaming;
      await assert.rejects(sdk.messages.create(params), (error: unknown) => {
        assert.ok(error instanceof BadRequestError);
        assert.equal(error.status, 400);
        assert.equal(error.type, 'invalid_request_error');
        assert.equal(error.apiMessage, 'temperature: Extra inputs are not permitted');
        return true;
      });
      assert.equal(fake.errors.at(-1)?.message, 'temperature: Extra inputs are not permitted');
    });

    it('still takes temperature under the older version 2023-06-01', async () => {
      const reply = await post(base({ temperature: 0.2 }), { 'anthropic-version': '2023-06-01' });
      assert.equal(reply.status, 200);
    });

    it('refuses any field MessageCreateParams does not have, header params included', async () => {
      await expectRefusal(base({ foo: 1 }), 400, 'invalid_request_error', 'foo: Extra inputs are not permitted');
      await expectRefusal(base({ workspace_id: 'wrkspc_1' }), 400, 'invalid_request_error', 'workspace_id: Extra inputs are not permitted');
    });

    it('requires model, max_tokens and messages', async () => {
      for (const field of ['model', 'max_tokens', 'messages']) {
        const body = base();
        delete body[field];
        await expectRefusal(body, 400, 'invalid_request_error', `${field}: Field required`);
      }
    });

    it('refuses a max_tokens that is not a non-negative integer or above the model maximum', async () => {
      await expectRefusal(base({ max_tokens: 1.5 }), 400, 'invalid_request_error', 'max_tokens: Input should be a valid integer');
      await expectRefusal(base({ max_tokens: -1 }), 400, 'invalid_request_error', /greater than or equal to 0/);
      await expectRefusal(
        base({ max_tokens: 200_000 }),
        400,
        'invalid_request_error',
        `max_tokens: 200000 > 128000, which is the maximum allowed number of output tokens for ${PLAIN_MODEL}`,
      );
    });

    it('takes max_tokens 0 as a cache warm-up: no content, the prefix written', async () => {
      const system = [{ type: 'text', text: 'stable '.repeat(200), cache_control: { type: 'ephemeral' } }];
      const reply = await post(base({ max_tokens: 0, system }));
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.json.content, []);
      const usage = reply.json.usage as Record<string, number>;
      assert.equal(usage.output_tokens, 0);
      assert.equal(usage.cache_creation_input_tokens, fakeTokens('stable '.repeat(200)));
    });

    it('refuses an empty message list and a conversation that opens on an assistant turn', async () => {
      await expectRefusal(base({ messages: [] }), 400, 'invalid_request_error', 'messages: at least one message is required');
      await expectRefusal(
        base({ model: 'claude-haiku-4-5', messages: [{ role: 'assistant', content: 'Hi' }, { role: 'user', content: 'Hello' }] }),
        400,
        'invalid_request_error',
        'messages: first message must use the "user" role',
      );
    });

    it('accepts consecutive user turns, which the API combines into one', async () => {
      const reply = await post(base({ messages: [{ role: 'user', content: 'One' }, { role: 'user', content: 'Two' }] }));
      assert.equal(reply.status, 200);
    });
  });

  describe('content', () => {
    it('refuses empty and whitespace-only text blocks', async () => {
      await expectRefusal(
        base({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }),
        400,
        'invalid_request_error',
        'messages: text content blocks must be non-empty',
      );
      await expectRefusal(
        base({ messages: [{ role: 'user', content: [{ type: 'text', text: '  \n' }] }] }),
        400,
        'invalid_request_error',
        'messages: text content blocks must contain non-whitespace text',
      );
    });

    it('refuses empty string content', async () => {
      await expectRefusal(
        base({ messages: [{ role: 'user', content: '' }] }),
        400,
        'invalid_request_error',
        'messages.0: all messages must have non-empty content except for the optional final assistant message',
      );
    });

    it('applies the same rule to the system prompt, as a string or as text blocks', async () => {
      await expectRefusal(base({ system: '' }), 400, 'invalid_request_error', 'system: text content blocks must be non-empty');
      await expectRefusal(
        base({ system: [{ type: 'text', text: '' }] }),
        400,
        'invalid_request_error',
        'system: text content blocks must be non-empty',
      );
      assert.equal((await post(base({ system: [{ type: 'text', text: 'Be brief.' }] }))).status, 200);
    });

    it('refuses a document block placed directly in an assistant message', async () => {
      const document = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' } };
      await expectRefusal(
        base({
          messages: [
            { role: 'user', content: 'Read this' },
            { role: 'assistant', content: [document] },
            { role: 'user', content: 'And?' },
          ],
        }),
        400,
        'invalid_request_error',
        /^messages\.1\.content\.0: document blocks are not accepted in assistant messages/,
      );
      // In a user message it is fine.
      assert.equal((await post(base({ messages: [{ role: 'user', content: [document, { type: 'text', text: 'Summarize' }] }] }))).status, 200);
    });

    it('refuses non-empty citations on a user text block, and takes them on assistant text', async () => {
      const citation = { type: 'char_location', cited_text: 'x', document_index: 0, document_title: null, start_char_index: 0, end_char_index: 1 };
      await expectRefusal(
        base({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Quote', citations: [citation] }] }] }),
        400,
        'invalid_request_error',
        /^messages\.0\.content\.0\.citations: /,
      );
      assert.equal((await post(base({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Quote', citations: [] }] }] }))).status, 200);
      const withAssistantCitations = base({
        messages: [
          { role: 'user', content: 'Quote' },
          { role: 'assistant', content: [{ type: 'text', text: 'x', citations: [citation] }] },
          { role: 'user', content: 'Thanks' },
        ],
      });
      assert.equal((await post(withAssistantCitations)).status, 200);
    });

    it('refuses assistant prefill on a model that no longer supports it, and takes it where it does', async () => {
      const prefill = [
        { role: 'user', content: 'Pick one' },
        { role: 'assistant', content: 'The answer is (' },
      ];
      await expectRefusal(base({ model: THINKING_MODEL, messages: prefill }), 400, 'invalid_request_error', /prefill/);
      assert.equal((await post(base({ model: 'claude-haiku-4-5', messages: prefill }))).status, 200);
    });
  });

  describe('cache_control', () => {
    const block = (text: string, ttl?: '5m' | '1h') => ({
      type: 'text',
      text,
      cache_control: ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' },
    });

    it('refuses more than 4 breakpoints', async () => {
      const content = ['a', 'b', 'c', 'd', 'e'].map((text) => block(text));
      await expectRefusal(
        base({ messages: [{ role: 'user', content }] }),
        400,
        'invalid_request_error',
        'A maximum of 4 blocks with cache_control may be provided. Found 5.',
      );
    });

    it('refuses a ttl other than 5m or 1h, another type, and unknown keys', async () => {
      const one = (cacheControl: unknown) => base({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: cacheControl }] }] });
      await expectRefusal(one({ type: 'ephemeral', ttl: '10m' }), 400, 'invalid_request_error', "messages.0.content.0.cache_control.ttl: Input should be '5m' or '1h'");
      await expectRefusal(one({ type: 'persistent' }), 400, 'invalid_request_error', "messages.0.content.0.cache_control.type: Input should be 'ephemeral'");
      await expectRefusal(one({ type: 'ephemeral', scope: 'global' }), 400, 'invalid_request_error', 'messages.0.content.0.cache_control.scope: Extra inputs are not permitted');
    });

    it('refuses a 1h breakpoint after a 5m one, in the order tools, system, messages', async () => {
      await expectRefusal(
        base({ system: [block('system', '5m')], messages: [{ role: 'user', content: [block('user', '1h')] }] }),
        400,
        'invalid_request_error',
        "messages.0.content.0.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.",
      );
      const tool = { name: 'lookup', description: 'Looks up', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } };
      await expectRefusal(base({ tools: [tool], system: [block('system', '1h')] }), 400, 'invalid_request_error', /^system\.0\.cache_control\.ttl: a ttl='1h'/);
      assert.equal((await post(base({ system: [block('system', '1h')], messages: [{ role: 'user', content: [block('user', '5m')] }] }))).status, 200);
    });

    it('takes a top-level cache_control (automatic caching) that marks the last block and is read back', async () => {
      const long = 'context line\n'.repeat(300);
      const body = base({ cache_control: { type: 'ephemeral' }, messages: [{ role: 'user', content: long }] });
      const first = await post(body);
      assert.equal(first.status, 200);
      assert.equal((first.json.usage as Record<string, number>).cache_creation_input_tokens, fakeTokens(long));
      const second = await post(body);
      assert.equal((second.json.usage as Record<string, number>).cache_read_input_tokens, fakeTokens(long));
    });

    it('counts the automatic breakpoint among the 4, and refuses a clashing TTL on the last block', async () => {
      const four = ['a', 'b', 'c', 'd'].map((text) => block(text));
      await expectRefusal(
        base({ cache_control: { type: 'ephemeral' }, messages: [{ role: 'user', content: [...four, { type: 'text', text: 'e' }] }] }),
        400,
        'invalid_request_error',
        'A maximum of 4 blocks with cache_control may be provided. Found 5.',
      );
      // The same TTL on the last block makes automatic caching a no-op; another TTL is a 400.
      assert.equal((await post(base({ cache_control: { type: 'ephemeral' }, messages: [{ role: 'user', content: four }] }))).status, 200);
      await expectRefusal(
        base({ cache_control: { type: 'ephemeral', ttl: '5m' }, messages: [{ role: 'user', content: [block('x', '1h')] }] }),
        400,
        'invalid_request_error',
        /^messages\.0\.content\.0\.cache_control\.ttl: /,
      );
    });

    it('reports a 1h write, then a read within the hour and a rewrite after it on the fake clock', async () => {
      const long = 'stable prefix\n'.repeat(200);
      const body = base({ system: [block(long, '1h')] });
      const write = (await post(body)).json.usage as { cache_creation: Record<string, number> };
      assert.equal(write.cache_creation.ephemeral_1h_input_tokens, fakeTokens(long));
      clock.advance(59 * 60_000);
      assert.equal(((await post(body)).json.usage as Record<string, number>).cache_read_input_tokens, fakeTokens(long));
      clock.advance(61 * 60_000);
      const rewrite = (await post(body)).json.usage as { cache_read_input_tokens: number; cache_creation: Record<string, number> };
      assert.equal(rewrite.cache_read_input_tokens, 0);
      assert.equal(rewrite.cache_creation.ephemeral_1h_input_tokens, fakeTokens(long));
    });

    it('answers diagnostics.previous_message_id with a cache_miss_reason', async () => {
      const system = [block('You answer briefly. '.repeat(50))];
      const first = await post(base({ system, diagnostics: { previous_message_id: null } }));
      assert.equal(first.json.diagnostics, null, 'a first turn has nothing to compare');
      const previousId = first.json.id as string;
      const appended = await post(
        base({
          system,
          diagnostics: { previous_message_id: previousId },
          messages: [
            { role: 'user', content: 'Hello there' },
            { role: 'assistant', content: 'Hi' },
            { role: 'user', content: 'More' },
          ],
        }),
      );
      assert.equal(appended.json.diagnostics, null, 'only appended turns: the prefix could be reused');
      const changed = await post(base({ system: [block('Another system prompt.')], diagnostics: { previous_message_id: previousId } }));
      assert.deepEqual(changed.json.diagnostics, {
        cache_miss_reason: { type: 'system_changed', cache_missed_input_tokens: fakeTokens('You answer briefly. '.repeat(50)) },
      });
      const unknown = await post(base({ diagnostics: { previous_message_id: 'msg_unknown' } }));
      assert.deepEqual(unknown.json.diagnostics, { cache_miss_reason: { type: 'previous_message_not_found' } });
    });
  });

  describe('model', () => {
    for (const name of ['opus', 'sonnet', 'Claude Sonnet 4.5 (copilot)', 'claude-sonnet-4-5', 'claude-3-5-sonnet-20241022']) {
      it(`answers 404 not_found_error "model: ${name}"`, async () => {
        await expectRefusal(base({ model: name }), 404, 'not_found_error', `model: ${name}`);
      });
    }

    it('surfaces an unknown model through the SDK as a NotFoundError', async () => {
      await assert.rejects(sdk.messages.create({ model: 'sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }), (error: unknown) => {
        assert.ok(error instanceof NotFoundError);
        assert.equal(error.type, 'not_found_error');
        assert.equal(error.apiMessage, 'model: sonnet');
        return true;
      });
    });

    it('accepts every model it lists, and none it lists as retired', async () => {
      for (const model of Object.keys(KNOWN_MODELS)) {
        const reply = await post(base({ model }));
        assert.equal(reply.status, 200, `${model}: ${JSON.stringify(reply.json)}`);
        assert.equal(reply.json.model, model);
      }
      for (const model of Object.keys(RETIRED_MODELS)) assert.ok(!fake.models.includes(model), model);
      assert.deepEqual([...fake.models].sort(), Object.keys(KNOWN_MODELS).sort());
    });

    it('lets a test add a model through extraModels', async () => {
      await fake.close();
      fake = await startFakeAnthropic({ extraModels: ['claude-test-model'] });
      assert.equal((await post(base({ model: 'claude-test-model' }))).status, 200);
      assert.equal((await post(base({ model: 'claude-other-model' }))).status, 404);
    });
  });

  describe('thinking', () => {
    it('thinks by default on Sonnet 5.5: a thinking block with omitted text and a signature, billed as output', async () => {
      const reply = await post(base({ model: THINKING_MODEL }));
      const content = reply.json.content as Array<Record<string, unknown>>;
      assert.equal(content[0]?.type, 'thinking');
      assert.equal(content[0]?.thinking, '', 'Sonnet 5.5 defaults to display "omitted"');
      assert.ok(typeof content[0]?.signature === 'string' && content[0].signature.length > 0);
      assert.equal(content[1]?.type, 'text');
      const request = fake.requests[0] as FakeRequestBody;
      const thinkingTokens = fakeTokens(defaultThinking(request));
      const usage = reply.json.usage as { output_tokens: number; output_tokens_details: { thinking_tokens: number } };
      assert.equal(usage.output_tokens, thinkingTokens + fakeTokens(defaultAnswer(request)));
      assert.equal(usage.output_tokens_details.thinking_tokens, thinkingTokens);
    });

    it('returns the thinking text when display is summarized, and never inside the answer text', async () => {
      const frames = await stream(base({ model: THINKING_MODEL, thinking: { type: 'adaptive', display: 'summarized' } }));
      const thought = deltas(frames, 'thinking_delta').join('');
      const text = deltas(frames, 'text_delta').join('');
      assert.ok(thought.startsWith('Thinking about:'), thought);
      assert.equal(text, 'Fake Claude answer to: Hello there');
      assert.ok(!text.includes('Thinking about'));
      assert.equal(deltas(frames, 'signature_delta').length, 1);
    });

    it('refuses thinking disabled on Sonnet 5.5 and points at between_tools, which runs without up-front thinking', async () => {
      await expectRefusal(base({ model: THINKING_MODEL, thinking: { type: 'disabled' } }), 400, 'invalid_request_error', /between_tools/);
      const reply = await post(base({ model: THINKING_MODEL, thinking: { type: 'between_tools' } }));
      assert.equal(reply.status, 200);
      assert.deepEqual((reply.json.content as Array<{ type: string }>).map((block) => block.type), ['text']);
    });

    it('refuses disabled and budget thinking on Opus 5.5, where thinking is always on', async () => {
      await expectRefusal(
        base({ model: 'claude-opus-5-5', thinking: { type: 'disabled' } }),
        400,
        'invalid_request_error',
        '"thinking.type.disabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.',
      );
      await expectRefusal(
        base({ model: 'claude-opus-5-5', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } }),
        400,
        'invalid_request_error',
        /^"thinking\.type\.enabled" is not supported for this model/,
      );
    });

    it('lets Opus 5 turn thinking off at effort high, not at max', async () => {
      const off = { model: 'claude-opus-5', thinking: { type: 'disabled' } };
      const high = await post(base({ ...off, output_config: { effort: 'high' } }));
      assert.equal(high.status, 200);
      assert.deepEqual((high.json.content as Array<{ type: string }>).map((block) => block.type), ['text']);
      await expectRefusal(base({ ...off, output_config: { effort: 'max' } }), 400, 'invalid_request_error', /effort/);
    });

    it('takes budget thinking on Haiku 4.5 only with budget_tokens >= 1024 and below max_tokens', async () => {
      const model = 'claude-haiku-4-5';
      await expectRefusal(
        base({ model, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 512 } }),
        400,
        'invalid_request_error',
        'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
      );
      await expectRefusal(
        base({ model, max_tokens: 1024, thinking: { type: 'enabled', budget_tokens: 1024 } }),
        400,
        'invalid_request_error',
        'max_tokens must be greater than thinking.budget_tokens',
      );
      await expectRefusal(base({ model, thinking: { type: 'adaptive' } }), 400, 'invalid_request_error', /"thinking\.type\.adaptive" is not supported/);
      const reply = await post(base({ model, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 } }));
      const content = reply.json.content as Array<Record<string, string>>;
      assert.ok(content[0]?.thinking?.startsWith('Thinking about:'), 'Haiku 4.5 returns summarized thinking');
      assert.equal(content[1]?.text, 'Fake Claude answer to: Hello there');
    });

    it('does not think on a model where thinking is opt-in', async () => {
      const reply = await post(base({ model: PLAIN_MODEL }));
      assert.deepEqual((reply.json.content as Array<{ type: string }>).map((block) => block.type), ['text']);
      assert.equal((reply.json.usage as Record<string, unknown>).output_tokens_details, null);
    });
  });

  describe('streams', () => {
    it('sends message_start, ping, thinking with a signature_delta, ping, text, message_delta, message_stop', async () => {
      const frames = await stream(base({ model: THINKING_MODEL, thinking: { type: 'adaptive', display: 'summarized' } }));
      const kinds = frames.map((frame) => {
        if (frame.event === 'content_block_delta') return (frame.data.delta as { type: string }).type;
        if (frame.event === 'content_block_start') return `start:${(frame.data.content_block as { type: string }).type}`;
        return frame.event;
      });
      // Runs of the same delta type collapse to one entry: the order is what matters here.
      const collapsed = kinds.filter((kind, i) => kind !== kinds[i - 1]);
      assert.deepEqual(collapsed, [
        'message_start',
        'ping',
        'start:thinking',
        'thinking_delta',
        'signature_delta',
        'content_block_stop',
        'ping',
        'start:text',
        'text_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
    });

    it('reports cumulative usage in message_delta: thinking plus text output, and the input side', async () => {
      const system = [{ type: 'text', text: 'stable '.repeat(300), cache_control: { type: 'ephemeral', ttl: '1h' } }];
      const frames = await stream(base({ model: THINKING_MODEL, system }));
      const start = (frames[0]?.data.message as { usage: Record<string, unknown> }).usage;
      assert.deepEqual(start.cache_creation, { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: fakeTokens('stable '.repeat(300)) });
      const delta = frames.find((frame) => frame.event === 'message_delta')?.data as { usage: Record<string, unknown>; delta: Record<string, unknown> };
      const request = fake.requests[0] as FakeRequestBody;
      const thinkingTokens = fakeTokens(defaultThinking(request));
      assert.deepEqual(delta.usage, {
        input_tokens: fakeTokens('Hello there'),
        output_tokens: thinkingTokens + fakeTokens(defaultAnswer(request)),
        cache_creation_input_tokens: fakeTokens('stable '.repeat(300)),
        cache_read_input_tokens: 0,
        server_tool_use: null,
        output_tokens_details: { thinking_tokens: thinkingTokens },
      });
      assert.deepEqual(delta.delta, { stop_reason: 'end_turn', stop_sequence: null, stop_details: null, container: null });
    });

    it('gives the same content in JSON as in the stream', async () => {
      const body = base({ model: THINKING_MODEL, thinking: { type: 'adaptive', display: 'summarized' } });
      const json = await post(body);
      const frames = await stream(body);
      const content = json.json.content as Array<Record<string, string>>;
      assert.equal(content[0]?.thinking, deltas(frames, 'thinking_delta').join(''));
      assert.equal(content[1]?.text, deltas(frames, 'text_delta').join(''));
    });

    it('cuts the text at max_tokens when the answer is longer, thinking included in the count', async () => {
      const plain = await post(base({ max_tokens: 2 }));
      assert.equal((plain.json.content as Array<{ text: string }>)[0]?.text, 'Fake Cla');
      assert.equal(plain.json.stop_reason, 'max_tokens');
      // On a thinking model the same two tokens go to thinking: no text block is started.
      const thinking = await post(base({ model: THINKING_MODEL, max_tokens: 2 }));
      assert.deepEqual((thinking.json.content as Array<{ type: string }>).map((block) => block.type), ['thinking']);
      assert.equal(thinking.json.stop_reason, 'max_tokens');
      assert.equal((thinking.json.usage as Record<string, number>).output_tokens, 2);
    });

    it('stops at a custom stop sequence and names it', async () => {
      const reply = await post(base({ stop_sequences: ['answer'] }));
      assert.equal((reply.json.content as Array<{ text: string }>)[0]?.text, 'Fake Claude ');
      assert.equal(reply.json.stop_reason, 'stop_sequence');
      assert.equal(reply.json.stop_sequence, 'answer');
    });

    it('ends the next answer with a refusal carrying stop_details, through the SDK stream', async () => {
      fake.stopNext('refusal', { category: 'cyber', explanation: 'Looks like exploit development.' });
      const message = await sdk.messages.stream({ model: THINKING_MODEL, max_tokens: 512, messages: [{ role: 'user', content: 'Hello there' }] }).finalMessage();
      assert.equal(message.stop_reason, 'refusal');
      assert.deepEqual(message.stop_details, { type: 'refusal', category: 'cyber', explanation: 'Looks like exploit development.' });
      const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      assert.ok(defaultAnswer(fake.requests[0] as FakeRequestBody).startsWith(text) && text.length < 34, text);
    });

    for (const reason of ['pause_turn', 'model_context_window_exceeded', 'max_tokens', 'end_turn'] as const) {
      it(`ends the next answer with stop_reason ${reason} when told to`, async () => {
        fake.stopNext(reason);
        const message = await sdk.messages.create({ model: PLAIN_MODEL, max_tokens: 512, messages: [{ role: 'user', content: 'Hello there' }] });
        assert.equal(message.stop_reason, reason);
        assert.equal(message.stop_details, null);
        const text = (message.content[0] as { text: string }).text;
        if (reason === 'end_turn') assert.equal(text, 'Fake Claude answer to: Hello there');
        else assert.equal(text, 'Fake Claude answer to: Hello there'.slice(0, 17));
      });
    }

    it('ends on stop_sequence when told to, naming the request sequence', async () => {
      fake.stopNext('stop_sequence');
      const message = await sdk.messages.create({ model: PLAIN_MODEL, max_tokens: 512, stop_sequences: ['###'], messages: [{ role: 'user', content: 'Hi' }] });
      assert.equal(message.stop_reason, 'stop_sequence');
      assert.equal(message.stop_sequence, '###');
    });

    it('takes a richer answer from the responder: its thinking and its stop reason', async () => {
      fake.setResponder(() => ({ text: 'Partial work so far', thinking: 'Thinking about: a custom plan', stopReason: 'pause_turn' }));
      const reply = await post(base({ model: 'claude-sonnet-4-6', max_tokens: 4096, thinking: { type: 'adaptive' } }));
      const content = reply.json.content as Array<Record<string, string>>;
      assert.equal(content[0]?.thinking, 'Thinking about: a custom plan');
      assert.equal(content[1]?.text, 'Partial w'); // 19 characters cut at half
      assert.equal(reply.json.stop_reason, 'pause_turn');
      fake.setResponder((request) => `plain ${request.model}`);
      assert.equal(((await post(base())).json.content as Array<{ text: string }>)[0]?.text, `plain ${PLAIN_MODEL}`);
    });

    it('sends an SSE error event after part of the answer, which the SDK raises as an APIError', async () => {
      fake.errorMidStreamNext();
      const raw = await stream(base());
      const error = raw.at(-1);
      assert.deepEqual(error, { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
      assert.equal(deltas(raw, 'text_delta').join(''), 'Fake Cla');

      fake.errorMidStreamNext();
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          const events = await sdk.messages.create({ model: PLAIN_MODEL, max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'Hello there' }] });
          for await (const event of events as AsyncIterable<RawMessageStreamEvent>) {
            if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') seen.push(event.delta.text);
          }
        })(),
        (thrown: unknown) => {
          assert.ok(thrown instanceof APIError);
          assert.equal(thrown.type, 'overloaded_error');
          return true;
        },
      );
      assert.equal(seen.join(''), 'Fake Cla');
    });
  });

  describe('failures', () => {
    it('answers a queued 429 with rate_limit_error and retry-after, which the SDK raises as RateLimitError', async () => {
      fake.rateLimitNext(3);
      const reply = await post(base());
      assert.equal(reply.status, 429);
      assert.equal(reply.headers.get('retry-after'), '3');
      assert.equal(errorOf(reply).type, 'rate_limit_error');

      fake.failNext(429);
      await assert.rejects(sdk.messages.create({ model: PLAIN_MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }), (error: unknown) => {
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.headers?.get('retry-after'), '1', 'a default retry-after, as the errors page documents');
        assert.equal(error.type, 'rate_limit_error');
        return true;
      });
    });

    it('answers a queued 529 with overloaded_error', async () => {
      fake.overloadedNext(2);
      await assert.rejects(sdk.messages.create({ model: PLAIN_MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }), (error: unknown) => {
        assert.ok(error instanceof OverloadedError);
        assert.equal(error.type, 'overloaded_error');
        assert.equal(error.apiMessage, 'Overloaded');
        assert.equal(error.headers?.get('retry-after'), '2');
        return true;
      });
    });

    it('answers a queued 500 with the documented error shape, and a 401 the SDK names', async () => {
      fake.failNext(500);
      const reply = await post(base());
      assert.equal(reply.status, 500);
      assert.deepEqual(errorOf(reply), { type: 'api_error', message: 'Internal server error' });
      fake.failNext(401);
      await assert.rejects(sdk.messages.create({ model: PLAIN_MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }), AuthenticationError);
    });

    it('answers 413 request_too_large above the request size limit', async () => {
      await fake.close();
      fake = await startFakeAnthropic({ maxRequestBytes: 1024 });
      const reply = await post(base({ messages: [{ role: 'user', content: 'x'.repeat(2048) }] }));
      assert.equal(reply.status, 413);
      assert.equal(errorOf(reply).type, 'request_too_large');
    });

    it('keeps a record of every call, refused ones included', async () => {
      await post(base({ temperature: 1 }));
      await post(base());
      assert.equal(fake.calls, 2);
      assert.equal(fake.requests.length, 2);
      assert.equal(fake.requestHeaders.length, 2);
      assert.equal(fake.usages.length, 1, 'only the answered request reports usage');
      assert.deepEqual(fake.errors, [{ status: 400, type: 'invalid_request_error', message: 'temperature: Extra inputs are not permitted' }]);
      fake.reset();
      assert.equal(fake.calls, 0);
      assert.equal(fake.errors.length, 0);
      assert.equal(fake.requestHeaders.length, 0);
    });
  });
});
