import type { ClaudeRequest, Usage } from '../claude';

/**
 * Characters per token assumed when counting a prompt before sending it. Real prompts average about four
 * characters per token (English, code); three over-counts on purpose, since a budget must not be passed.
 */
const CHARS_PER_TOKEN = 3;
/** Per message and per block framing the API adds around the text. */
const OVERHEAD_TOKENS = 16;

/**
 * The most a request can be billed for, as a Usage: every input token estimated from the text and billed as
 * a provider-cache write when caching is on (the dearest way to send it), and every output token it may
 * generate (maxTokens).
 */
export function worstCaseUsage(request: ClaudeRequest): Usage {
  const texts = [...(request.system ? [request.system] : []), ...(request.contextBlocks ?? []), request.prompt];
  const inputTokens = texts.reduce((sum, text) => sum + Math.ceil(text.length / CHARS_PER_TOKEN) + OVERHEAD_TOKENS, 0);
  const usage: Usage = { inputTokens: 0, outputTokens: request.maxTokens, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
  if (request.providerCache === '5m') usage.cacheWrite5mTokens = inputTokens;
  else if (request.providerCache === '1h') usage.cacheWrite1hTokens = inputTokens;
  else usage.inputTokens = inputTokens;
  return usage;
}
