import assert from 'node:assert/strict';
import type { TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { estimateTokensLow, minCacheableTokens, DEFAULT_MODEL, FALLBACK_MIN_CACHEABLE_TOKENS } from '../../src/core/models';
import { layoutPrompt, MAX_CACHE_BREAKPOINTS } from '../../src/core/claude/promptLayout';

// Pure functions; kept beside the client tests because they define what the fake API receives.

function userBlocks(layout: ReturnType<typeof layoutPrompt>): TextBlockParam[] {
  const content = layout.messages[0]?.content;
  assert.ok(Array.isArray(content));
  return content as TextBlockParam[];
}

describe('minimum cacheable prefix per model', () => {
  it('reads the model table, snapshot ids included', () => {
    assert.equal(minCacheableTokens('claude-opus-4-7'), 2048);
    assert.equal(minCacheableTokens('claude-opus-4-5-20251101'), 4096);
    assert.equal(minCacheableTokens('claude-opus-5'), 512);
    assert.equal(minCacheableTokens('claude-sonnet-5-5'), 512);
    assert.equal(minCacheableTokens('claude-haiku-5-5'), 512);
    assert.equal(minCacheableTokens('claude-sonnet-4-6'), 1024);
    assert.equal(minCacheableTokens('claude-haiku-4-5'), 4096);
  });

  it('reads an unlisted dated snapshot as its undated model', () => {
    assert.equal(minCacheableTokens('claude-opus-4-7-20991231'), 2048);
  });

  it('assumes the highest published minimum for a model it does not know', () => {
    assert.equal(minCacheableTokens('some-future-model'), FALLBACK_MIN_CACHEABLE_TOKENS);
  });

  it('estimates tokens low, at four characters per token', () => {
    assert.equal(estimateTokensLow('abcdefg'), 1);
    assert.equal(estimateTokensLow('x'.repeat(4096)), 1024);
  });
});

describe('layoutPrompt', () => {
  const big = (n: number): string => 'z'.repeat(n * 4); // exactly n tokens by the low estimate

  it('sends a bare prompt as the only user block', () => {
    const layout = layoutPrompt({ model: DEFAULT_MODEL, prompt: 'hi', providerCache: '5m' });
    assert.equal(layout.system, undefined);
    assert.deepEqual(layout.messages, [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
    assert.deepEqual(layout.breakpointPrefixTokens, []);
  });

  it('never uses more than four breakpoints, keeping the earliest ones and the last', () => {
    const layout = layoutPrompt({
      model: DEFAULT_MODEL,
      system: big(1100),
      contextBlocks: [big(100), big(100), big(100), big(100), big(100)],
      prompt: 'question',
      providerCache: '5m',
    });
    assert.equal(layout.breakpointPrefixTokens.length, MAX_CACHE_BREAKPOINTS);
    assert.deepEqual(layout.breakpointPrefixTokens, [1100, 1200, 1300, 1600]);
    const marked = [...(layout.system ?? []), ...userBlocks(layout)].map((block) => block.cache_control !== undefined);
    assert.deepEqual(marked, [true, true, true, false, false, true, false]);
  });

  it('skips empty context blocks', () => {
    const layout = layoutPrompt({ model: DEFAULT_MODEL, contextBlocks: ['', big(2000)], prompt: 'q', providerCache: '1h' });
    const blocks = userBlocks(layout);
    assert.equal(blocks.length, 2);
    assert.deepEqual(blocks[0]?.cache_control, { type: 'ephemeral', ttl: '1h' });
  });

  it('uses the model minimum: a prefix that caches on Opus 5 does not on Haiku 4.5', () => {
    const parts = { system: big(600), prompt: 'q', providerCache: '5m' as const };
    assert.deepEqual(layoutPrompt({ ...parts, model: 'claude-opus-5' }).breakpointPrefixTokens, [600]);
    assert.deepEqual(layoutPrompt({ ...parts, model: 'claude-haiku-4-5' }).breakpointPrefixTokens, []);
  });
});
