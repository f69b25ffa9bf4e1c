/** Token counts of one Claude call, split the way they are billed. */
export interface Usage {
  /** Input tokens billed at the base rate (after the last cache breakpoint, or all of them uncached). */
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
}

/** Provider prompt-cache lifetime requested for the stable prefix. */
export type ProviderCacheTtl = 'off' | '5m' | '1h';

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  cacheReadTokens: 0,
});

/** The usage fields as the API sends them (message_start, message_delta or a whole message); all optional. */
export interface ApiUsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
}

/**
 * Folds one usage report into the running usage. Streams report usage twice (message_start, then cumulative
 * counts in message_delta), so a field the later report leaves null keeps its earlier value.
 * Cache writes come from the `cache_creation` split when the API sends it; an older response with only
 * `cache_creation_input_tokens` is counted under the TTL this request asked for.
 */
export function mergeApiUsage(current: Usage, reported: ApiUsageFields, requestedTtl: ProviderCacheTtl): Usage {
  const next: Usage = { ...current };
  if (isCount(reported.input_tokens)) next.inputTokens = reported.input_tokens;
  if (isCount(reported.output_tokens)) next.outputTokens = reported.output_tokens;
  if (isCount(reported.cache_read_input_tokens)) next.cacheReadTokens = reported.cache_read_input_tokens;

  const split = reported.cache_creation;
  if (split && (isCount(split.ephemeral_5m_input_tokens) || isCount(split.ephemeral_1h_input_tokens))) {
    next.cacheWrite5mTokens = isCount(split.ephemeral_5m_input_tokens) ? split.ephemeral_5m_input_tokens : 0;
    next.cacheWrite1hTokens = isCount(split.ephemeral_1h_input_tokens) ? split.ephemeral_1h_input_tokens : 0;
  } else if (
    isCount(reported.cache_creation_input_tokens) &&
    reported.cache_creation_input_tokens !== current.cacheWrite5mTokens + current.cacheWrite1hTokens
  ) {
    // A total that matches the split we already hold (message_delta repeats it without the split) changes nothing.
    const total = reported.cache_creation_input_tokens;
    next.cacheWrite5mTokens = requestedTtl === '1h' ? 0 : total;
    next.cacheWrite1hTokens = requestedTtl === '1h' ? total : 0;
  }
  return next;
}

/** All input tokens of the call, whatever rate they were billed at (the "prompt length" of price tiers). */
export function promptTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
}

function isCount(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
