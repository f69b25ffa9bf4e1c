/** Rates for one model, in USD per million tokens. */
export interface TokenRates {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

/** A model's prices; some models charge every token of a call more once its prompt passes a length. */
export interface ModelPrices extends TokenRates {
  /** Rates for a call whose prompt (input + cache reads + cache writes) exceeds `aboveTokens`. */
  longPrompt?: TokenRates & { aboveTokens: number };
}

export interface PriceTable {
  /** The day these prices were checked against the published price list (YYYY-MM-DD). */
  effectiveDate: string;
  source: string;
  models: Readonly<Record<string, ModelPrices>>;
}

function rates(input: number, output: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number): TokenRates {
  return { input, output, cacheWrite5m, cacheWrite1h, cacheRead };
}

/*
 * The published list as of the effective date. Most models follow the usual multipliers (5m write 1.25x input,
 * 1h write 2x, read 0.1x); the exceptions are kept as they are published: Opus 5.5 and Sonnet 5.5 (since
 * 2026-10-07) read at 0.05x, Fable/Mythos 5.1 at 0.025x, Fable/Mythos 5.2 at 0.025x.
 * claude-mythos-preview has no public price and is left unknown on purpose.
 */
const OPUS_5_CLASS = rates(5, 25, 6.25, 10, 0.5);
const SONNET_4_CLASS = rates(3, 15, 3.75, 6, 0.3);
const HAIKU_4_5 = rates(1, 5, 1.25, 2, 0.1);
const FABLE_5 = rates(10, 50, 12.5, 20, 1);
const FABLE_5_1 = rates(10, 50, 12.5, 20, 0.25);
const FABLE_5_2 = rates(8, 40, 10, 16, 0.2);

export const PRICE_TABLE: PriceTable = Object.freeze({
  effectiveDate: '2026-11-10',
  source: 'https://platform.claude.com/docs/en/about-claude/pricing',
  models: Object.freeze({
    'claude-fable-5-2': FABLE_5_2,
    'claude-mythos-5-2': FABLE_5_2,
    'claude-fable-5-1': FABLE_5_1,
    'claude-mythos-5-1': FABLE_5_1,
    'claude-fable-5': FABLE_5,
    'claude-mythos-5': FABLE_5,
    'claude-opus-5-5': rates(4, 20, 5, 8, 0.2),
    'claude-opus-5': OPUS_5_CLASS,
    'claude-opus-4-8': OPUS_5_CLASS,
    'claude-opus-4-7': OPUS_5_CLASS,
    'claude-opus-4-6': OPUS_5_CLASS,
    'claude-opus-4-5': OPUS_5_CLASS,
    'claude-sonnet-5-5': rates(2, 10, 2.5, 4, 0.1),
    'claude-sonnet-5': rates(2, 10, 2.5, 4, 0.2),
    'claude-sonnet-4-6': SONNET_4_CLASS,
    'claude-sonnet-4-5': SONNET_4_CLASS,
    'claude-haiku-5-5': {
      ...rates(0.1, 0.5, 0.125, 0.2, 0.01),
      longPrompt: { aboveTokens: 100_000, ...rates(0.5, 2.5, 0.625, 1, 0.05) },
    },
    'claude-haiku-4-5': HAIKU_4_5,
  }),
});

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

/**
 * Prices for a model: overrides first, then the table. A dated snapshot id (`claude-haiku-4-5-20251001`) falls
 * back to its alias. Undefined means the cost is unknown, which callers must never treat as zero.
 */
export function resolvePrices(
  model: string,
  overrides?: Readonly<Record<string, ModelPrices>>,
  table: PriceTable = PRICE_TABLE,
): ModelPrices | undefined {
  const alias = model.replace(/-\d{8}$/, '');
  for (const id of alias === model ? [model] : [model, alias]) {
    const found = (overrides && Object.hasOwn(overrides, id) ? overrides[id] : undefined) ??
      (Object.hasOwn(table.models, id) ? table.models[id] : undefined);
    if (found) return found;
  }
  return undefined;
}
