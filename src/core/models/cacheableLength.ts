import { findModel } from './modelLookup';

/**
 * For a model the table does not know, assume the highest published minimum (4096 tokens, prompt-caching page)
 * so a breakpoint we place really clears it.
 */
export const FALLBACK_MIN_CACHEABLE_TOKENS = 4096;

const DATE_SUFFIX = /-\d{8}$/;

/**
 * Smallest prefix, in tokens, the API caches for `model` (an id or snapshot id); a breakpoint on a shorter
 * prefix is silently ignored. The figures live in the model table (see its comment for sources).
 */
export function minCacheableTokens(model: string): number {
  const record = findModel(model) ?? findModel(model.replace(DATE_SUFFIX, ''));
  return record?.facts?.minCacheableTokens ?? FALLBACK_MIN_CACHEABLE_TOKENS;
}

/**
 * A deliberately low token estimate from characters (about 4 characters per token for English prose; code
 * and newer tokenizers count more tokens for the same text). Erring low means a breakpoint we place really
 * clears the minimum instead of being silently ignored.
 */
export function estimateTokensLow(text: string): number {
  return Math.floor(text.length / 4);
}
