/**
 * Small hand-rolled checks of decoded plain data: what msgpackr gives back for a value another process (or a
 * stranger with write access to Redis) stored. Each names the first thing wrong with a value, so a refused entry
 * is logged with a reason a person can act on. They check only what readers use: extra fields pass, so a later
 * build may add fields without older readers refusing its entries.
 */

/** Longest part of a record's key quoted in a reason. */
const MAX_NAME_CHARS = 60;

/** The reason `value` (found at `path`, e.g. `usage.inputTokens`) does not have the shape, or undefined when it does. */
export type ShapeCheck = (value: unknown, path: string) => string | undefined;

/** The fields of an object shape: each must be present; `optional` ones may be absent but not of another type. */
export interface ObjectShape {
  required?: Readonly<Record<string, ShapeCheck>>;
  optional?: Readonly<Record<string, ShapeCheck>>;
}

/** A short description of what was found instead, without echoing the value (it may be long, or a secret). */
export function describeFound(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  const type = typeof value;
  if (type === 'number') return Number.isNaN(value) ? 'NaN' : `the number ${String(value)}`;
  if (type === 'object') {
    if (isPlainObject(value)) return 'an object';
    // msgpackr extensions decode to instances (a timestamp to a Date): name the class, not "an object".
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'an object of some class';
  }
  return `a ${type}`;
}

export const isString: ShapeCheck = (value, path) =>
  typeof value === 'string' ? undefined : `${path} is ${describeFound(value)}, not a string`;

export const isFiniteNumber: ShapeCheck = (value, path) =>
  typeof value === 'number' && Number.isFinite(value) ? undefined : `${path} is ${describeFound(value)}, not a finite number`;

export const isNonNegativeNumber: ShapeCheck = (value, path) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? undefined
    : `${path} is ${describeFound(value)}, not a non-negative number`;

/** One of a few literal values. */
export function isOneOf(literals: readonly unknown[]): ShapeCheck {
  return (value, path) =>
    literals.includes(value) ? undefined : `${path} is ${describeFound(value)}, not one of ${literals.map((l) => JSON.stringify(l)).join(', ')}`;
}

/** Passes what any of `checks` passes; the reason names what each alternative wanted. */
export function isEither(...checks: readonly ShapeCheck[]): ShapeCheck {
  return (value, path) => {
    const reasons: string[] = [];
    for (const check of checks) {
      const reason = check(value, path);
      if (reason === undefined) return undefined;
      reasons.push(reason);
    }
    return reasons.join(' and ');
  };
}

export function isNullOr(check: ShapeCheck): ShapeCheck {
  return (value, path) => (value === null ? undefined : check(value, path));
}

export function isArrayOf(item: ShapeCheck): ShapeCheck {
  return (value, path) => {
    if (!Array.isArray(value)) return `${path} is ${describeFound(value)}, not an array`;
    for (let index = 0; index < value.length; index += 1) {
      const reason = item(value[index], `${path}[${index}]`);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
}

/** A plain object: what msgpackr decodes a map into (mapsAsObjects), never a class instance, array or bytes. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A plain object whose own values all pass `item` (a map from ids to hashes, say). */
export function isRecordOf(item: ShapeCheck): ShapeCheck {
  return (value, path) => {
    if (!isPlainObject(value)) return `${path} is ${describeFound(value)}, not an object`;
    for (const [name, field] of Object.entries(value)) {
      // A name comes from the stored data: shortened, so a reason stays a line however long the name is.
      const shown = name.length > MAX_NAME_CHARS ? `${name.slice(0, MAX_NAME_CHARS)}…` : name;
      const reason = item(field, `${path}[${JSON.stringify(shown)}]`);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
}

/**
 * A plain object with the given fields as its own properties. Own only: an inherited `text` is not one the value
 * carries. (msgpackr, with mapsAsObjects, builds each map as `{}` and renames a `__proto__` key to `__proto_`, so
 * a decoded map cannot set its own prototype: readKey in https://github.com/kriszyp/msgpackr/blob/master/unpack.js,
 * checked in the installed msgpackr 2.1.3.)
 */
export function isObject(shape: ObjectShape): ShapeCheck {
  const required = Object.entries(shape.required ?? {});
  const optional = Object.entries(shape.optional ?? {});
  return (value, path) => {
    if (!isPlainObject(value)) return `${path} is ${describeFound(value)}, not an object`;
    for (const [name, check] of required) {
      if (!Object.hasOwn(value, name)) return `${path}.${name} is missing`;
      const reason = check(value[name], `${path}.${name}`);
      if (reason !== undefined) return reason;
    }
    for (const [name, check] of optional) {
      if (!Object.hasOwn(value, name) || value[name] === undefined) continue;
      const reason = check(value[name], `${path}.${name}`);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
}
