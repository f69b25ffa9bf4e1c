import type { SimilarAnswer } from './similarAnswers';

/** A similar answer as a markdown document, labelled as a suggestion so it is never taken for this prompt's answer. */
export function similarAnswerText(similar: SimilarAnswer): string {
  return [
    `# Suggestion: a cached answer to a similar prompt (${similar.workflow})`,
    '',
    '> This answer was cached for a *different* prompt that resembles yours. It is a suggestion to read, not an',
    '> answer to your prompt, and it was not counted as a cache hit. Run the workflow for an answer of your own.',
    '',
    `- Similar prompt: ${similar.promptPreview.replace(/\s+/g, ' ').trim()}…`,
    `- Relevance: ${similar.score.toFixed(2)}`,
    `- Cached: ${new Date(similar.createdAt).toISOString()}`,
    `- Key: \`${similar.key}\``,
    '',
    '---',
    '',
    similar.answer.text,
    '',
  ].join('\n');
}
