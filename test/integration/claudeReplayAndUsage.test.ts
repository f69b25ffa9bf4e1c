import assert from 'node:assert/strict';
import { APIConnectionError, APIError, AnthropicError } from '@anthropic-ai/sdk';
import type { ErrorType } from '@anthropic-ai/sdk/resources/shared';
import { retryAfterMs, toClaudeError } from '../../src/core/claude/errorMapping';
import {
  ClaudeAuthenticationError,
  ClaudeCancelledError,
  ClaudeNetworkError,
  ClaudeRateLimitError,
  ClaudeRequestError,
  ClaudeServerError,
  ClaudeTimeoutError,
} from '../../src/core/claude/errors';
import { replayText, splitIntoChunks } from '../../src/core/claude/replayText';
import { mergeApiUsage, promptTokens, ZERO_USAGE } from '../../src/core/claude/usage';

// Pure parts of the Claude client, specified on their own.

describe('replayText', () => {
  const answer = 'A cached answer is replayed through the same callback a live stream uses, chunk by chunk.';

  it('replays the whole text in several chunks', async () => {
    const chunks: string[] = [];
    await replayText(answer, (chunk) => chunks.push(chunk), { chunkChars: 16 });
    assert.ok(chunks.length >= 5);
    assert.equal(chunks.join(''), answer);
    assert.ok(chunks.every((chunk) => chunk.length <= 16));
  });

  it('yields to the event loop between chunks', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    await replayText('one two three four', (chunk) => order.push(chunk), { chunkChars: 4 });
    assert.ok(order.indexOf('other work') > 0 && order.indexOf('other work') < order.length - 1, order.join('|'));
  });

  it('stops with a cancelled error when the signal fires', async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    await assert.rejects(
      replayText(answer, (chunk) => {
        chunks.push(chunk);
        if (chunks.length === 2) controller.abort();
      }, { chunkChars: 10, signal: controller.signal }),
      ClaudeCancelledError,
    );
    assert.equal(chunks.length, 2);
  });

  it('replays an empty answer as no chunks', async () => {
    const chunks: string[] = [];
    await replayText('', (chunk) => chunks.push(chunk));
    assert.deepEqual(chunks, []);
  });

  it('breaks at whitespace and never inside a surrogate pair', () => {
    assert.deepEqual(splitIntoChunks('hello world again', 8), ['hello ', 'world ', 'again']);
    const emoji = '😀😀😀';
    for (const size of [1, 2, 3]) {
      const chunks = splitIntoChunks(emoji, size);
      assert.equal(chunks.join(''), emoji);
      assert.ok(chunks.every((chunk) => chunk.length % 2 === 0), `${size}: ${JSON.stringify(chunks)}`);
    }
  });
});

describe('usage mapping', () => {
  it('takes the 5m/1h split from cache_creation', () => {
    const usage = mergeApiUsage(ZERO_USAGE, {
      input_tokens: 10,
      output_tokens: 1,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 50,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
    }, '1h');
    assert.deepEqual(usage, { inputTokens: 10, outputTokens: 1, cacheWrite5mTokens: 100, cacheWrite1hTokens: 200, cacheReadTokens: 50 });
    assert.equal(promptTokens(usage), 360);
  });

  it('keeps the split when a later report repeats the total without it', () => {
    const start = mergeApiUsage(ZERO_USAGE, {
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
    }, '1h');
    const end = mergeApiUsage(start, { output_tokens: 42, cache_creation_input_tokens: 300, input_tokens: null }, '1h');
    assert.equal(end.cacheWrite5mTokens, 100);
    assert.equal(end.cacheWrite1hTokens, 200);
    assert.equal(end.outputTokens, 42);
  });

  it('counts a bare cache_creation_input_tokens under the TTL the request asked for', () => {
    assert.equal(mergeApiUsage(ZERO_USAGE, { cache_creation_input_tokens: 70 }, '1h').cacheWrite1hTokens, 70);
    assert.equal(mergeApiUsage(ZERO_USAGE, { cache_creation_input_tokens: 70 }, '5m').cacheWrite5mTokens, 70);
  });
});

describe('SDK error mapping', () => {
  const context = { timeoutMs: 1000, apiKey: 'sk-ant-very-secret-value' };

  it('reads retry-after as milliseconds, seconds or an HTTP date', () => {
    const now = () => Date.parse('2026-11-20T10:00:00Z');
    assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250' }), now), 250);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '3' }), now), 3000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Fri, 20 Nov 2026 10:00:30 GMT' }), now), 30_000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(retryAfterMs(new Headers(), now), undefined);
    assert.equal(retryAfterMs(undefined, now), undefined);
  });

  it('maps error events that arrive mid-stream by their type', () => {
    const event = (type: ErrorType) => new APIError(undefined, { type: 'error', error: { type, message: 'x' } }, undefined, new Headers(), type);
    assert.ok(toClaudeError(event('authentication_error'), context) instanceof ClaudeAuthenticationError);
    assert.ok(toClaudeError(event('rate_limit_error'), context) instanceof ClaudeRateLimitError);
    assert.ok(toClaudeError(event('api_error'), context) instanceof ClaudeServerError);
  });

  it('never repeats the API key in a message', () => {
    const error = APIError.generate(400, { type: 'error', error: { type: 'invalid_request_error', message: `bad key ${context.apiKey}` } }, undefined, new Headers());
    const mapped = toClaudeError(error, context);
    assert.ok(mapped instanceof ClaudeRequestError);
    assert.ok(!mapped.message.includes(context.apiKey));
    assert.match(mapped.message, /\[redacted\]/);
  });

  it('maps connection failures, our own timeouts and cancels, and stray errors', () => {
    assert.ok(toClaudeError(new APIConnectionError({ message: 'refused' }), context) instanceof ClaudeNetworkError);
    assert.ok(toClaudeError(new Error('x'), { ...context, abortReason: 'idle-timeout' }) instanceof ClaudeTimeoutError);
    assert.ok(toClaudeError(new Error('x'), { ...context, abortReason: 'cancelled' }) instanceof ClaudeCancelledError);
    assert.ok(toClaudeError(new AnthropicError('odd'), context) instanceof ClaudeRequestError);
    assert.ok(toClaudeError(new TypeError('terminated'), context) instanceof ClaudeNetworkError);
  });
});
