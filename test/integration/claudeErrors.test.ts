import assert from 'node:assert/strict';
import { ClaudeClient, type ClaudeRequest } from '../../src/core/claude/claudeClient';
import {
  ClaudeAuthenticationError,
  ClaudeCancelledError,
  ClaudeError,
  ClaudeNetworkError,
  ClaudeOverloadedError,
  ClaudeRateLimitError,
  ClaudeRequestError,
  ClaudeServerError,
  ClaudeTimeoutError,
} from '../../src/core/claude/errors';
import { DEFAULT_MODEL } from '../../src/core/models';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';

const API_KEY = 'sk-ant-secret-key-do-not-leak-42';

const REQUEST: ClaudeRequest = {
  model: DEFAULT_MODEL,
  prompt: 'Summarize the changes in this branch, please.',
  maxTokens: 512,
  providerCache: 'off',
};

async function rejection(promise: Promise<unknown>): Promise<ClaudeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ClaudeError, `expected a ClaudeError, got ${String(error)}`);
    assert.ok(!error.message.includes(API_KEY), 'the API key must never appear in a message');
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('ClaudeClient errors', () => {
  let fake: FakeAnthropic;

  beforeEach(async () => {
    fake = await startFakeAnthropic();
  });

  afterEach(async () => {
    await fake.close();
  });

  function client(options: { maxRetries?: number; timeoutMs?: number; apiKey?: string } = {}): ClaudeClient {
    return new ClaudeClient({ apiKey: API_KEY, baseURL: fake.url, maxRetries: 0, timeoutMs: 5_000, ...options });
  }

  it('turns a 401 into an authentication error that asks for a key', async () => {
    fake.failNext(401);
    const error = await rejection(client().complete(REQUEST));
    assert.ok(error instanceof ClaudeAuthenticationError);
    assert.equal(error.code, 'E_CLAUDE_AUTH');
    assert.match(error.message, /key/i);
    assert.equal(error.retryable, false);
  });

  it('refuses to call without a key', async () => {
    const error = await rejection(client({ apiKey: '  ' }).complete(REQUEST));
    assert.ok(error instanceof ClaudeAuthenticationError);
    assert.match(error.message, /no anthropic api key/i);
    assert.equal(fake.calls, 0);
  });

  it('turns a 429 into a rate-limit error carrying retry-after in milliseconds', async () => {
    fake.failNext(429, { headers: { 'retry-after': '7' } });
    const error = await rejection(client().complete(REQUEST));
    assert.ok(error instanceof ClaudeRateLimitError);
    assert.equal(error.code, 'E_CLAUDE_RATE_LIMITED');
    assert.equal(error.retryAfterMs, 7000);
    assert.match(error.message, /7 s/);
    assert.equal(error.retryable, true);
  });

  it('lets the SDK retry a 429 and succeeds when the retry is answered', async () => {
    fake.failNext(429, { headers: { 'retry-after-ms': '10' } });
    const response = await client({ maxRetries: 1 }).complete(REQUEST);
    assert.equal(response.text, 'Fake Claude answer to: Summarize the changes in this branch, please.');
    assert.equal(fake.calls, 2);
  });

  it('turns a 529 into an overloaded error', async () => {
    fake.failNext(529);
    const error = await rejection(client().complete(REQUEST));
    assert.ok(error instanceof ClaudeOverloadedError);
    assert.equal(error.code, 'E_CLAUDE_OVERLOADED');
    assert.match(error.message, /overloaded/i);
  });

  it('turns a 500 that outlasts the SDK retries into a server error', async () => {
    fake.failNext(500, { headers: { 'retry-after-ms': '5' } });
    fake.failNext(500, { headers: { 'retry-after-ms': '5' } });
    const error = await rejection(client({ maxRetries: 1 }).complete(REQUEST));
    assert.ok(error instanceof ClaudeServerError);
    assert.equal(error.code, 'E_CLAUDE_SERVER');
    assert.equal(error.status, 500);
    assert.equal(fake.calls, 2, 'one call and one SDK retry');
  });

  it('turns a 400 into a request error that carries the API message', async () => {
    fake.failNext(400, {
      body: { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: must be positive' } },
    });
    const error = await rejection(client().complete(REQUEST));
    assert.ok(error instanceof ClaudeRequestError);
    assert.equal(error.code, 'E_CLAUDE_REQUEST');
    assert.equal(error.status, 400);
    assert.equal(error.apiMessage, 'max_tokens: must be positive');
    assert.equal(error.message, 'The Anthropic API rejected the request (400): max_tokens: must be positive');
  });

  it('turns a connection reset mid-stream into a network error after part of the answer arrived', async () => {
    fake.resetMidStreamNext();
    const seen: string[] = [];
    const error = await rejection(client().complete(REQUEST, { onText: (chunk) => seen.push(chunk) }));
    assert.ok(error instanceof ClaudeNetworkError, `got ${error.constructor.name}: ${error.message}`);
    assert.equal(error.code, 'E_CLAUDE_NETWORK');
    assert.equal(seen.join(''), 'Fake Cla');
  });

  it('turns an overloaded_error event in the middle of the stream into an overloaded error', async () => {
    fake.errorMidStreamNext('overloaded_error');
    const seen: string[] = [];
    const error = await rejection(client().complete(REQUEST, { onText: (chunk) => seen.push(chunk) }));
    assert.ok(error instanceof ClaudeOverloadedError, `got ${error.constructor.name}: ${error.message}`);
    assert.equal(seen.join(''), 'Fake Cla');
  });

  it('turns a stream that stalls after it started into a timeout error', async () => {
    await fake.close();
    fake = await startFakeAnthropic({ eventGapMs: 1_000 });
    const error = await rejection(client({ timeoutMs: 150 }).complete(REQUEST));
    assert.ok(error instanceof ClaudeTimeoutError, `got ${error.constructor.name}: ${error.message}`);
    assert.equal(error.timeoutMs, 150);
  });

  it('turns a server that never answers into a timeout error', async () => {
    fake.hangNext();
    const error = await rejection(client({ timeoutMs: 300 }).complete(REQUEST));
    assert.ok(error instanceof ClaudeTimeoutError, `got ${error.constructor.name}: ${error.message}`);
    assert.equal(error.code, 'E_CLAUDE_TIMEOUT');
    assert.equal(error.timeoutMs, 300);
    assert.equal(fake.calls, 1);
  });

  it('cancels mid-stream through the AbortSignal and stops delivering text', async () => {
    await fake.close();
    fake = await startFakeAnthropic({ eventGapMs: 5 });
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await rejection(
      client().complete(REQUEST, {
        signal: controller.signal,
        onText: (chunk) => {
          seen.push(chunk);
          if (seen.length === 2) controller.abort();
        },
      }),
    );
    assert.ok(error instanceof ClaudeCancelledError, `got ${error.constructor.name}: ${error.message}`);
    assert.equal(error.code, 'E_CLAUDE_CANCELLED');
    assert.equal(seen.length, 2);
  });

  it('does not call the API when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(client().complete(REQUEST, { signal: controller.signal }));
    assert.ok(error instanceof ClaudeCancelledError);
    assert.equal(fake.calls, 0);
  });

  it('cancels while waiting for the response to start', async () => {
    fake.setLatency(2_000);
    const controller = new AbortController();
    const pending = client().complete(REQUEST, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(pending);
    assert.ok(error instanceof ClaudeCancelledError, `got ${error.constructor.name}: ${error.message}`);
  });

  it('passes an error thrown by onText through unchanged', async () => {
    const mine = new Error('renderer failed');
    await assert.rejects(
      client().complete(REQUEST, {
        onText: () => {
          throw mine;
        },
      }),
      (error) => error === mine,
    );
  });
});
