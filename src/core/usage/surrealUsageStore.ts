import type { UsageRecord } from './usageRecord';
import type { UsageQuery, UsageStore } from './usageStore';

/** Runs one SurrealQL text with bound parameters on the engine's existing connection; one result per statement. */
export type SurrealQuery = <T extends unknown[]>(text: string, bindings: Record<string, unknown>) => Promise<T>;

/** The table next to the cache's `cache_entry`. Schemaless: a record's inputs have user-chosen names. */
/** The table of usage records, next to the cache's own. */
const USAGE_TABLE = 'usage_run';

/**
 * No index on purpose: creating one in an embedded directory pins it to this process (see
 * surrealIndexProcess.ts), and the log is bounded to a few thousand rows, which a scan reads in milliseconds.
 */
const QUERIES = {
  define: `DEFINE TABLE IF NOT EXISTS ${USAGE_TABLE} SCHEMALESS`,
  append: `INSERT INTO ${USAGE_TABLE} $rows RETURN NONE`,
  read:
    `SELECT * OMIT id FROM ${USAGE_TABLE} WHERE ($workspace = NONE OR workspace = $workspace) AND at >= $since ` +
    'ORDER BY at DESC LIMIT $limit',
  deleteOlder:
    `LET $doomed = SELECT VALUE id FROM ${USAGE_TABLE} WHERE at < $olderThan; DELETE $doomed RETURN NONE; RETURN array::len($doomed);`,
  count: `RETURN count(SELECT id FROM ${USAGE_TABLE})`,
  deleteOldest:
    `LET $doomed = (SELECT id, at FROM ${USAGE_TABLE} ORDER BY at ASC LIMIT $excess).id; DELETE $doomed RETURN NONE; RETURN array::len($doomed);`,
} as const;

/** The usage log in SurrealDB: a batch of records is one query, however many rows it holds. */
export class SurrealUsageStore implements UsageStore {
  readonly kind = 'surreal' as const;

  private constructor(private readonly query: SurrealQuery) {}

  static async open(query: SurrealQuery): Promise<SurrealUsageStore> {
    await query(QUERIES.define, {});
    return new SurrealUsageStore(query);
  }

  async append(records: readonly UsageRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.query(QUERIES.append, { rows: records });
  }

  async read(query: UsageQuery): Promise<UsageRecord[]> {
    const [rows] = await this.query<[UsageRecord[]]>(QUERIES.read, {
      workspace: query.workspace,
      since: query.since ?? 0,
      limit: Math.max(0, Math.floor(query.limit ?? 100_000)),
    });
    return rows;
  }

  async prune(olderThan: number, maxRecords: number): Promise<number> {
    const [, , expired] = await this.query<[unknown, unknown, number]>(QUERIES.deleteOlder, { olderThan });
    const total = await this.count();
    if (total <= maxRecords) return expired;
    const [, , pruned] = await this.query<[unknown, unknown, number]>(QUERIES.deleteOldest, { excess: total - maxRecords });
    return expired + pruned;
  }

  async count(): Promise<number> {
    const [total] = await this.query<[number]>(QUERIES.count, {});
    return total;
  }
}
