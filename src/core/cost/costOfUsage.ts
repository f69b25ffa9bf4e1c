import { promptTokens, type Usage } from '../claude/usage';
import type { ModelPrices, TokenRates } from './priceTable';

const PER_MILLION = 1_000_000;

/** The rates that apply to this call: the long-prompt tier when its prompt is past the threshold. */
export function ratesFor(usage: Usage, prices: ModelPrices): TokenRates {
  const long = prices.longPrompt;
  return long && promptTokens(usage) > long.aboveTokens ? long : prices;
}

/** Dollars one call cost. */
export function costOfUsage(usage: Usage, prices: ModelPrices): number {
  const r = ratesFor(usage, prices);
  return (
    (usage.inputTokens * r.input +
      usage.outputTokens * r.output +
      usage.cacheWrite5mTokens * r.cacheWrite5m +
      usage.cacheWrite1hTokens * r.cacheWrite1h +
      usage.cacheReadTokens * r.cacheRead) /
    PER_MILLION
  );
}

/**
 * Dollars the provider prompt cache saved on one call: what the cache reads would have cost as plain input,
 * minus the premium paid to write the cache. Negative when a call only wrote (a cold cache costs extra).
 */
export function providerCacheSaving(usage: Usage, prices: ModelPrices): number {
  const r = ratesFor(usage, prices);
  const readDiscount = usage.cacheReadTokens * (r.input - r.cacheRead);
  const writePremium =
    usage.cacheWrite5mTokens * (r.cacheWrite5m - r.input) + usage.cacheWrite1hTokens * (r.cacheWrite1h - r.input);
  return (readDiscount - writePremium) / PER_MILLION;
}
