/** The one table every layer shares; record ids are `${layer}:${key}`. */
export const SURREAL_TABLE = 'cache_entry';

/** The fields of a cached entry's row, with their types. */
const ENTRY_FIELDS = [
  ['layer', 'string'],
  ['key', 'string'],
  ['value', 'bytes'],
  ['size', 'int'],
  ['created_at', 'number'],
  ['expires_at', 'number'],
] as const;

/**
 * The DEFINE FIELD statements (one a line, idempotent) of an entry's row on `table`: cache_entry holds entries,
 * and the archive keeps copies of those rows, so both tables must define them alike.
 */
export function entryFieldDefinitions(table: string): string {
  return ENTRY_FIELDS.map(([field, type]) => `DEFINE FIELD IF NOT EXISTS ${field} ON ${table} TYPE ${type};`).join('\n');
}

/**
 * What a feature adds to the cache table (the similar-answer search: a field and a full-text index), given to the
 * store by whoever opens it, so the store never needs to know the features built on its table.
 */
export interface SurrealTableExtension {
  /** Idempotent DEFINE statements (fields), run with the table's own on every open. */
  readonly definitions: string;
  /** DEFINE INDEX statements (idempotent) by index name, created once, where the table's own indexes are. */
  readonly indexes: Readonly<Record<string, string>>;
}

/**
 * Idempotent, so every open() can run it. Times are cache-clock milliseconds; `value` holds the encoded bytes
 * and `size` their length, so usage() never reads values.
 */
const ENTRY_TABLE_SCHEMA = `
DEFINE TABLE IF NOT EXISTS cache_entry SCHEMAFULL;
${entryFieldDefinitions('cache_entry')}
`;

/** Indexes by name: layer for the per-layer listings, expires_at for the expiry sweep. */
const ENTRY_TABLE_INDEXES: Readonly<Record<string, string>> = {
  cache_entry_layer: 'DEFINE INDEX IF NOT EXISTS cache_entry_layer ON cache_entry FIELDS layer',
  cache_entry_expires_at: 'DEFINE INDEX IF NOT EXISTS cache_entry_expires_at ON cache_entry FIELDS expires_at',
};

/** The table and its fields, the extensions' after the table's own (idempotent, run on every open). */
export function cacheTableSchema(extensions: readonly SurrealTableExtension[] = []): string {
  return ENTRY_TABLE_SCHEMA + extensions.map((extension) => `${extension.definitions}\n`).join('');
}

/** The table's indexes by name, then the extensions'. */
export function cacheTableIndexes(extensions: readonly SurrealTableExtension[] = []): Readonly<Record<string, string>> {
  return Object.assign({}, ENTRY_TABLE_INDEXES, ...extensions.map((extension) => extension.indexes));
}

/**
 * Every statement the store runs. All input arrives as bound parameters ($id, $layer, $now, ...); nothing is
 * ever spliced into the text. `value` is quoted in projections, where the bare word means SELECT VALUE.
 */
export const SURREAL_QUERIES = {
  tableInfo: 'INFO FOR TABLE cache_entry',
  get: 'SELECT `value`, created_at, expires_at FROM ONLY $id WHERE expires_at > $now',
  getMany: 'SELECT key, `value`, created_at, expires_at FROM $ids WHERE expires_at > $now',
  set:
    'UPSERT $id CONTENT { layer: $layer, key: $key, value: $value, size: $size, ' +
    'created_at: $created_at, expires_at: $expires_at } RETURN NONE',
  setMany: 'FOR $row IN $rows { UPSERT $row.id CONTENT $row.content RETURN NONE; }',
  has: 'RETURN $id.expires_at > $now',
  delete: 'LET $live = $id.expires_at > $now; DELETE $id RETURN NONE; RETURN $live;',
  deleteIds: 'DELETE $ids RETURN NONE',
  layerKeys: 'SELECT VALUE key FROM cache_entry WHERE layer = $layer',
  liveKeys: 'SELECT VALUE key FROM cache_entry WHERE layer = $layer AND expires_at > $now',
  liveKeysLimited: 'SELECT VALUE key FROM cache_entry WHERE layer = $layer AND expires_at > $now LIMIT $limit',
  entries:
    'SELECT key, size, created_at, expires_at FROM cache_entry WHERE layer = $layer AND expires_at > $now ' +
    'ORDER BY created_at DESC LIMIT $limit',
  usage:
    'SELECT count() AS entries, math::sum(size) AS bytes FROM cache_entry ' +
    'WHERE layer = $layer AND expires_at > $now GROUP ALL',
  clear:
    'LET $doomed = SELECT VALUE id FROM cache_entry WHERE layer = $layer; ' +
    'DELETE $doomed RETURN NONE; RETURN $doomed;',
  deleteExpired:
    'LET $doomed = SELECT VALUE id FROM cache_entry WHERE expires_at <= $now; ' +
    'DELETE $doomed RETURN NONE; RETURN $doomed;',
  count: 'RETURN count(SELECT id FROM cache_entry)',
  pruneOldest:
    'LET $doomed = (SELECT id, created_at FROM cache_entry ORDER BY created_at ASC LIMIT $excess).id; ' +
    'DELETE $doomed RETURN NONE; RETURN $doomed;',
} as const;
