import type { ModelPrices } from './modelRecord';
import { MODEL_TABLE, PRICING_PAGE, TABLE_CHECKED_ON } from './modelTable';

export interface PriceTable {
  /** The day these prices were checked against the published price list (YYYY-MM-DD). */
  effectiveDate: string;
  source: string;
  /** Keyed by every id the API accepts, snapshot ids included. */
  models: Readonly<Record<string, ModelPrices>>;
}

/** The prices of the model table, keyed by id; a model without a public price is absent (cost unknown). */
export const PRICE_TABLE: PriceTable = Object.freeze({
  effectiveDate: TABLE_CHECKED_ON,
  source: PRICING_PAGE,
  models: Object.freeze(
    Object.fromEntries(
      MODEL_TABLE.flatMap(({ id, otherIds, prices }) =>
        prices ? [id, ...otherIds].map((key): [string, ModelPrices] => [key, prices]) : [],
      ),
    ),
  ),
});

const DATE_SUFFIX = /-\d{8}$/;

/**
 * Prices for a model: overrides first, then the table. A dated snapshot id (`claude-haiku-4-5-20251001`) falls
 * back to its undated id. Undefined means the cost is unknown, which callers must never treat as zero.
 */
export function resolvePrices(
  model: string,
  overrides?: Readonly<Record<string, ModelPrices>>,
  table: PriceTable = PRICE_TABLE,
): ModelPrices | undefined {
  const undated = model.replace(DATE_SUFFIX, '');
  for (const id of undated === model ? [model] : [model, undated]) {
    const found = (overrides && Object.hasOwn(overrides, id) ? overrides[id] : undefined) ??
      (Object.hasOwn(table.models, id) ? table.models[id] : undefined);
    if (found) return found;
  }
  return undefined;
}
