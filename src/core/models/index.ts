/** The model table and everything read from it: the only source of model facts in the engine. */
export { estimateTokensLow, FALLBACK_MIN_CACHEABLE_TOKENS, minCacheableTokens } from './cacheableLength';
export { DEFAULT_MODEL } from './defaultModel';
export { parseModelName } from './displayName';
export type { NamedModel } from './displayName';
export { ModelRetiredError, UnknownModelError } from './errors';
export { currentIdOf, FAMILY_ALIASES } from './familyAliases';
export { defaultMaxTokens, modelFacts, thinksByDefault } from './modelFacts';
export { dayString, lifecycleOf } from './modelLifecycle';
export type { Day, LifecycleVerdict } from './modelLifecycle';
export { findModel, knownModelIds } from './modelLookup';
export type { Lifecycle, ModelFacts, ModelFamily, ModelPrices, ModelRecord, TokenRates } from './modelRecord';
export { MODEL_TABLE, PRICING_PAGE, TABLE_CHECKED_ON } from './modelTable';
export { validatePriceOverrides } from './priceOverrides';
export type { PriceOverrideProblem, ResolvedOverrides } from './priceOverrides';
export { PRICE_TABLE, resolvePrices } from './prices';
export type { PriceTable } from './prices';
export { resolveModel } from './resolveModel';
export type { ResolvedModel, ResolveModelOptions } from './resolveModel';
