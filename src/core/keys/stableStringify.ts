import { InvalidKeyError } from '../errors';

/**
 * JSON with object keys sorted at every depth, so equal data always yields the same text (and the same key)
 * whatever order its properties were assigned in. Follows JSON.stringify otherwise (toJSON honoured,
 * undefined and functions dropped from objects and nulled in arrays, non-finite numbers become null; a bare
 * undefined becomes null), but refuses what JSON would silently flatten into a colliding `{}` (Map, Set)
 * or cannot express at all (bigint, cycles).
 */
export function stableStringify(value: unknown): string {
  return write(value, new Set()) ?? 'null';
}

function write(value: unknown, ancestors: Set<object>): string | undefined {
  let current = value;
  if (current !== null && typeof current === 'object' && typeof (current as { toJSON?: unknown }).toJSON === 'function') {
    current = (current as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof current) {
    case 'string':
      return JSON.stringify(current);
    case 'number':
      return Number.isFinite(current) ? JSON.stringify(current) : 'null';
    case 'boolean':
      return current ? 'true' : 'false';
    case 'bigint':
      throw new InvalidKeyError('cannot build a key from a bigint; convert it to a string first');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (current === null) return 'null';
  const object = current as object;
  if (object instanceof Map || object instanceof Set) {
    throw new InvalidKeyError(`cannot build a key from a ${object.constructor.name}; use a plain object or array`);
  }
  if (ancestors.has(object)) throw new InvalidKeyError('cannot build a key from a value that contains itself');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item: unknown) => write(item, ancestors) ?? 'null').join(',')}]`;
    }
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const text = write(record[key], ancestors);
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}
