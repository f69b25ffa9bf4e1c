import type { PrewarmWorkflow, PriceOverride } from './cacheConfig';
import type { ParseResult } from './settingSpec';

const PRICE_FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;
const PREWARM_FIELDS = ['workflow', 'args', 'inputs', 'file'] as const;
const MAX_MODEL_ID_LENGTH = 128;
const MAX_PREWARM_WORKFLOWS = 200;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isPlainObject(value) && Object.values(value).every((item) => typeof item === 'string');
}

function refuse<V>(reason: string): ParseResult<V> {
  return { ok: false, reason };
}

function unknownField(value: Record<string, unknown>, known: readonly string[]): string | undefined {
  return Object.keys(value).find((key) => !known.includes(key));
}

/** `{ "<model id>": { input?, output?, cacheWrite5m?, cacheWrite1h?, cacheRead? } }`, USD per million tokens. */
export function parsePriceOverrides(raw: unknown): ParseResult<Readonly<Record<string, PriceOverride>>> {
  if (!isPlainObject(raw)) return refuse('not an object of model ids to prices');
  // Collected as entries: assigning a "__proto__" model id onto an object would replace its prototype.
  const table: [string, PriceOverride][] = [];
  for (const [model, entry] of Object.entries(raw)) {
    const where = `the entry ${JSON.stringify(model.slice(0, 40))}`;
    if (model.trim().length === 0 || model.length > MAX_MODEL_ID_LENGTH) {
      return refuse(`${where} is not a model id (1 to ${MAX_MODEL_ID_LENGTH} characters)`);
    }
    if (!isPlainObject(entry)) return refuse(`${where} is not an object of prices`);
    const extra = unknownField(entry, PRICE_FIELDS);
    if (extra !== undefined) {
      return refuse(`${where} has an unknown field ${JSON.stringify(extra)} (known: ${PRICE_FIELDS.join(', ')})`);
    }
    const prices: { -readonly [F in keyof PriceOverride]: number } = {};
    for (const field of PRICE_FIELDS) {
      const price = entry[field];
      if (price === undefined) continue;
      if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
        return refuse(`${where} has ${field} ${JSON.stringify(price)}, not a non-negative number of USD per million tokens`);
      }
      prices[field] = price;
    }
    table.push([model, Object.freeze(prices)]);
  }
  return { ok: true, value: Object.freeze(Object.fromEntries(table)) };
}

/** `[{ workflow, args?, inputs?, file? }]`. */
export function parsePrewarmWorkflows(raw: unknown): ParseResult<readonly PrewarmWorkflow[]> {
  if (!Array.isArray(raw)) return refuse('not an array of workflows');
  if (raw.length > MAX_PREWARM_WORKFLOWS) return refuse(`more than ${MAX_PREWARM_WORKFLOWS} workflows`);
  const workflows: PrewarmWorkflow[] = [];
  for (const [index, item] of raw.entries()) {
    const where = `item ${index}`;
    if (!isPlainObject(item)) return refuse(`${where} is not an object like { "workflow": "review-file" }`);
    const extra = unknownField(item, PREWARM_FIELDS);
    if (extra !== undefined) {
      return refuse(`${where} has an unknown field ${JSON.stringify(extra)} (known: ${PREWARM_FIELDS.join(', ')})`);
    }
    const { workflow, args, inputs, file } = item;
    if (typeof workflow !== 'string' || workflow.trim().length === 0) {
      return refuse(`${where} has no "workflow" name`);
    }
    if (args !== undefined && !isStringArray(args)) {
      return refuse(`${where} has "args" that are not an array of strings`);
    }
    if (inputs !== undefined && !isStringRecord(inputs)) {
      return refuse(`${where} has "inputs" that are not an object of strings`);
    }
    if (file !== undefined && (typeof file !== 'string' || file.length === 0)) {
      return refuse(`${where} has a "file" that is not a path`);
    }
    workflows.push(
      Object.freeze({
        workflow: workflow.trim(),
        ...(args !== undefined ? { args: Object.freeze([...args]) } : {}),
        ...(inputs !== undefined ? { inputs: Object.freeze({ ...inputs }) } : {}),
        ...(file !== undefined ? { file } : {}),
      }),
    );
  }
  return { ok: true, value: Object.freeze(workflows) };
}
