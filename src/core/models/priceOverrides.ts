import type { ModelPrices, TokenRates } from './modelRecord';

/** A bad entry in user-supplied price overrides; the entry is ignored, the rest still apply. */
export interface PriceOverrideProblem {
  model: string;
  message: string;
}

export interface ResolvedOverrides {
  models: Record<string, ModelPrices>;
  problems: PriceOverrideProblem[];
}

const RATE_FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;

/**
 * Checks price overrides as they come from settings (untrusted JSON): each model needs the five rates as
 * non-negative finite numbers, and an optional valid `longPrompt`. Bad entries are reported, never thrown.
 */
export function validatePriceOverrides(raw: unknown): ResolvedOverrides {
  const result: ResolvedOverrides = { models: {}, problems: [] };
  if (raw === undefined || raw === null) return result;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    result.problems.push({ model: '*', message: 'price overrides must be an object keyed by model id' });
    return result;
  }
  for (const [model, entry] of Object.entries(raw as Record<string, unknown>)) {
    if (model.trim() === '') {
      result.problems.push({ model, message: 'model id is empty' });
      continue;
    }
    const checked = checkRates(entry);
    if (typeof checked === 'string') {
      result.problems.push({ model, message: checked });
      continue;
    }
    const prices: ModelPrices = { ...checked };
    const long = (entry as Record<string, unknown>).longPrompt;
    if (long !== undefined) {
      const longRates = checkRates(long);
      const above = typeof long === 'object' && long !== null ? (long as Record<string, unknown>).aboveTokens : undefined;
      if (typeof longRates === 'string') {
        result.problems.push({ model, message: `longPrompt: ${longRates}` });
        continue;
      }
      if (typeof above !== 'number' || !Number.isInteger(above) || above <= 0) {
        result.problems.push({ model, message: 'longPrompt.aboveTokens must be a positive whole number' });
        continue;
      }
      prices.longPrompt = { ...longRates, aboveTokens: above };
    }
    result.models[model] = prices;
  }
  return result;
}

function checkRates(entry: unknown): TokenRates | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return 'expected an object with input, output, cacheWrite5m, cacheWrite1h and cacheRead';
  }
  const record = entry as Record<string, unknown>;
  const out: Partial<TokenRates> = {};
  for (const field of RATE_FIELDS) {
    const value = record[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return `${field} must be a non-negative number of USD per million tokens`;
    }
    out[field] = value;
  }
  return out as TokenRates;
}

