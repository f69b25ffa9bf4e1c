import { entryFieldDefinitions } from '../stores/surreal/surrealSchema';

/** The table expired and pruned answers move to; record ids are the entry's key, so an answer is kept once. */
export const ARCHIVE_TABLE = 'cache_archive';

/**
 * Idempotent. No index: the table is bounded (archive.maxEntries), small enough to scan, and creating an index
 * in an embedded engine would keep its directory locked (see surrealIndexProcess.ts).
 */
export const ARCHIVE_SCHEMA = `
DEFINE TABLE IF NOT EXISTS cache_archive SCHEMAFULL;
${entryFieldDefinitions('cache_archive')}
DEFINE FIELD IF NOT EXISTS archived_at ON cache_archive TYPE number;
DEFINE FIELD IF NOT EXISTS reason ON cache_archive TYPE string;
`;

/** Copies the rows `source` selects into the archive (a FOR over a subquery is refused; over a LET it runs). */
const COPY = (source: string) =>
  `LET $leaving = ${source}; FOR $row IN $leaving { ` +
  "UPSERT type::record('cache_archive', $row.key) CONTENT { layer: $row.layer, key: $row.key, value: $row.value, " +
  'size: $row.size, created_at: $row.created_at, expires_at: $row.expires_at, archived_at: $now, reason: $reason } ' +
  'RETURN NONE; };';

/** Every statement the archive runs; input arrives only as bound parameters. */
export const ARCHIVE_QUERIES = {
  keepExpired:
    COPY('SELECT layer, key, `value`, size, created_at, expires_at FROM cache_entry WHERE layer IN $layers AND expires_at <= $now'),
  keepOldest:
    COPY(
      'SELECT layer, key, `value`, size, created_at, expires_at FROM ' +
        '(SELECT layer, key, `value`, size, created_at, expires_at FROM cache_entry ORDER BY created_at ASC LIMIT $excess) ' +
        'WHERE layer IN $layers',
    ),
  trim:
    'LET $total = count(SELECT id FROM cache_archive); ' +
    'IF $total > $max { LET $doomed = (SELECT id, archived_at FROM cache_archive ORDER BY archived_at ASC LIMIT $total - $max).id; ' +
    'DELETE $doomed RETURN NONE; };',
  list:
    'SELECT layer, key, size, created_at, expires_at, archived_at, reason FROM cache_archive ' +
    'ORDER BY archived_at DESC, created_at DESC LIMIT $limit',
  read:
    'SELECT layer, key, `value`, size, created_at, expires_at, archived_at, reason ' +
    "FROM ONLY type::record('cache_archive', $key)",
  count: 'RETURN count(SELECT id FROM cache_archive)',
  clear: 'DELETE cache_archive RETURN NONE',
} as const;
