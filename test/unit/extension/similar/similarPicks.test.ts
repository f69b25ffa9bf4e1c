import assert from 'node:assert/strict';
import { similarAnswerText } from '../../../../src/core/similar/similarAnswerText';
import type { SimilarAnswer } from '../../../../src/core/similar/similarAnswers';
import { similarPicks } from '../../../../src/extension/similar/similarPicks';

const NOW = 1_700_000_000_000;
const similar: SimilarAnswer = {
  key: 'explain-selection:k1:abcd',
  workflow: 'explain-selection',
  score: 1.234,
  promptPreview: 'Explain   this\\nfunction',
  answer: { text: 'It adds two numbers.', model: 'm', stopReason: null, usage: { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 }, costUsd: 0, createdAt: 0 },
  createdAt: NOW - 10 * 60_000,
  expiresAt: NOW + 50 * 60_000,
};

describe('similar-answer presentation', () => {
  it('lists a suggestion with its workflow, relevance, age and the prompt that matched', () => {
    assert.deepEqual(similarPicks([similar], NOW), [
      {
        label: '$(lightbulb) explain-selection',
        description: 'relevance 1.23 · cached 10 min ago',
        detail: 'Explain this\\nfunction',
        key: 'explain-selection:k1:abcd',
      },
    ]);
  });

  it('labels the document as a suggestion for another prompt, not an answer or a hit', () => {
    const text = similarAnswerText(similar);
    assert.match(text, /^# Suggestion: a cached answer to a similar prompt \(explain-selection\)/);
    assert.match(text, /not an\n> answer to your prompt, and it was not counted as a cache hit/);
    assert.match(text, /It adds two numbers\.\n$/);
  });
});
