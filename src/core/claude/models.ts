/**
 * Model facts the client needs, kept as data. Checked against @anthropic-ai/sdk 1.12's `Model` list
 * (resources/messages/messages.d.ts) and its DEPRECATED_MODELS table, which flags claude-sonnet-4-5.
 */

/** Current Sonnet: listed by the SDK, not deprecated, the docs' recommended balance of speed and intelligence. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** Models the SDK 1.12 warns about (end of life 2026-11-30); kept here so the UI can say so too. */
export const DEPRECATED_MODELS: Readonly<Record<string, string>> = Object.freeze({
  'claude-sonnet-4-5': '2026-11-30',
  'claude-sonnet-4-5-20250929': '2026-11-30',
});

/**
 * Smallest prefix, in tokens, that the API will cache per model family: a breakpoint on a shorter prefix is
 * silently ignored. Matched by longest model-id prefix. Published figures (prompt-caching docs, 2026):
 * 512 for Opus 5 and Fable/Mythos 5.x; 1024 for Opus 4.8, Sonnet 5, Sonnet 4.6 and 4.5; 2048 for Opus 4.7;
 * 4096 for Opus 4.6, Opus 4.5 and Haiku 4.5. Where a newer point release has no published figure yet
 * (Opus 5.5, Sonnet 5.5, Haiku 5.5) it inherits its family's latest known value.
 */
export const MIN_CACHEABLE_TOKENS: ReadonlyArray<{ readonly modelPrefix: string; readonly minTokens: number }> =
  Object.freeze([
    { modelPrefix: 'claude-fable-5', minTokens: 512 },
    { modelPrefix: 'claude-mythos-5', minTokens: 512 },
    { modelPrefix: 'claude-opus-5', minTokens: 512 },
    { modelPrefix: 'claude-opus-4-8', minTokens: 1024 },
    { modelPrefix: 'claude-opus-4-7', minTokens: 2048 },
    { modelPrefix: 'claude-opus-4-6', minTokens: 4096 },
    { modelPrefix: 'claude-opus-4-5', minTokens: 4096 },
    { modelPrefix: 'claude-sonnet-5', minTokens: 1024 },
    { modelPrefix: 'claude-sonnet-4-6', minTokens: 1024 },
    { modelPrefix: 'claude-sonnet-4-5', minTokens: 1024 },
    { modelPrefix: 'claude-haiku-5', minTokens: 4096 },
    { modelPrefix: 'claude-haiku-4-5', minTokens: 4096 },
  ]);

/** For a model we know nothing about, assume the highest published minimum rather than cache nothing useful. */
export const FALLBACK_MIN_CACHEABLE_TOKENS = 4096;

export function minCacheableTokens(model: string): number {
  let best: { modelPrefix: string; minTokens: number } | undefined;
  for (const entry of MIN_CACHEABLE_TOKENS) {
    if (model.startsWith(entry.modelPrefix) && (!best || entry.modelPrefix.length > best.modelPrefix.length)) {
      best = entry;
    }
  }
  return best?.minTokens ?? FALLBACK_MIN_CACHEABLE_TOKENS;
}

/**
 * A deliberately low token estimate from characters (about 4 characters per token for English prose; code
 * and newer tokenizers count more tokens for the same text). Erring low means a breakpoint we place really
 * clears the minimum instead of being silently ignored.
 */
export function estimateTokensLow(text: string): number {
  return Math.floor(text.length / 4);
}
