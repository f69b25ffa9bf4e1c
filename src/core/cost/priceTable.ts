/**
 * Prices now live in the model table (src/core/models), the only source of model facts. This module only
 * re-exports them so the cost code's existing imports keep working.
 */
export { PRICE_TABLE, resolvePrices, validatePriceOverrides } from '../models';
export type { ModelPrices, PriceOverrideProblem, PriceTable, ResolvedOverrides, TokenRates } from '../models';
