// The client itself loads the Anthropic SDK: import it from './claudeClient' directly; the engine uses the lazy one.
export { LazyClaudeClient } from './lazyClaudeClient';
export type { ClaudeClient, ClaudeClientOptions, ClaudeRequest, ClaudeResponse, CompleteOptions } from './claudeClient';
export * from './errors';
export { DEFAULT_MODEL, estimateTokensLow, minCacheableTokens } from '../models';
export { completenessOf, describeStop, isCacheableStop } from './stopReason';
export type { AnswerCompleteness } from './stopReason';
export { layoutPrompt, MAX_CACHE_BREAKPOINTS } from './promptLayout';
export type { PromptLayout, PromptParts } from './promptLayout';
export { replayText, splitIntoChunks } from './replayText';
export type { ReplayOptions } from './replayText';
export { mergeApiUsage, promptTokens, ZERO_USAGE } from './usage';
export type { ApiUsageFields, ProviderCacheTtl, Usage } from './usage';
