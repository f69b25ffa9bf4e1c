import type { UsageRecord } from './usageRecord';
import { readPlainRow, type UsageSealing } from './usageSealing';
import type { UsageQuery, UsageStore } from './usageStore';
import type { UsageSpool } from './usageSpool';

/** Runs one SurrealQL text with bound parameters on the engine's existing connection; one result per statement. */
export type SurrealQuery = <T extends unknown[]>(text: string, bindings: Record<string, unknown>) => Promise<T>;

/** The table of usage records, next to the cache's `cache_entry`. Schemaless: a record's inputs have user-chosen names. */
const USAGE_TABLE = 'usage_run';

/**
 * No index on purpose: creating one in an embedded directory pins it to this process (see
 * surrealIndexProcess.ts), and the log is bounded to a few thousand rows, which a scan reads in milliseconds.
 */
const QUERIES = {
  define: `DEFINE TABLE IF NOT EXISTS ${USAGE_TABLE} SCHEMALESS`,
  append: `INSERT INTO ${USAGE_TABLE} $rows RETURN NONE`,
  read:
    // A sealed row carries the workspace's fingerprint, a row written before sealing (or without it) the path.
    `SELECT * OMIT id FROM ${USAGE_TABLE} WHERE ($workspace = NONE OR workspace = $workspace OR workspace = $sealedWorkspace) ` +
    'AND at >= $since ' +
    'ORDER BY at DESC LIMIT $limit',
  deleteOlder:
    `LET $doomed = SELECT VALUE id FROM ${USAGE_TABLE} WHERE at < $olderThan; DELETE $doomed RETURN NONE; RETURN array::len($doomed);`,
  count: `RETURN count(SELECT id FROM ${USAGE_TABLE})`,
  deleteOldest:
    `LET $doomed = (SELECT id, at FROM ${USAGE_TABLE} ORDER BY at ASC LIMIT $excess).id; DELETE $doomed RETURN NONE; RETURN array::len($doomed);`,
} as const;

/**
 * For a SurrealDB opened on first need (a CLI run): until it is open, rows go to the spool instead of opening it,
 * and retention waits for a process that has it open.
 */
export interface DeferredSurreal {
  isOpen(): boolean;
}

/**
 * The usage log in SurrealDB: a batch of records is one query, however many rows it holds. With `sealing` (the
 * shared tiers' key is set) each row is sealed but for its time and a fingerprint of its workspace; rows written
 * before stay readable, and rows this process cannot open (another key) are left out of what it reads.
 */
export class SurrealUsageStore implements UsageStore {
  readonly kind = 'surreal' as const;

  /** Defines the table and moves spooled rows in, once, before the first query that needs the table. */
  private ready: Promise<void> | undefined;

  private constructor(
    private readonly query: SurrealQuery,
    private readonly sealing: UsageSealing | undefined,
    private readonly spool: UsageSpool | undefined,
    private readonly deferred: DeferredSurreal | undefined,
  ) {}

  /**
   * With `spool`, rows other processes spooled are moved into the table as soon as it is defined; with `deferred`
   * nothing touches SurrealDB until it is open or a read needs it.
   */
  static async open(
    query: SurrealQuery,
    options: { sealing?: UsageSealing; spool?: UsageSpool; deferred?: DeferredSurreal } = {},
  ): Promise<SurrealUsageStore> {
    const store = new SurrealUsageStore(query, options.sealing, options.spool, options.deferred);
    if (!options.deferred) await store.tableReady();
    return store;
  }

  async append(records: readonly UsageRecord[]): Promise<void> {
    if (records.length === 0) return;
    const sealing = this.sealing;
    const rows = sealing ? records.map((record) => sealing.seal(record)) : records;
    if (this.spool && this.deferred && !this.deferred.isOpen()) return this.spool.add(rows);
    await this.tableReady();
    await this.query(QUERIES.append, { rows });
  }

  async read(query: UsageQuery): Promise<UsageRecord[]> {
    await this.tableReady();
    const sealing = this.sealing;
    const [rows] = await this.query<[unknown[]]>(QUERIES.read, {
      workspace: query.workspace,
      sealedWorkspace: sealing && query.workspace !== undefined ? sealing.workspaceId(query.workspace) : undefined,
      since: query.since ?? 0,
      limit: Math.max(0, Math.floor(query.limit ?? 100_000)),
    });
    const records: UsageRecord[] = [];
    for (const row of rows) {
      const record = sealing ? sealing.open(row) : readPlainRow(row);
      if (record !== undefined) records.push(record);
    }
    return records;
  }

  async prune(olderThan: number, maxRecords: number): Promise<number> {
    // Retention is for a process that has the table open; a CLI hit must not open it for this.
    if (this.deferred && !this.deferred.isOpen()) return 0;
    await this.tableReady();
    const [, , expired] = await this.query<[unknown, unknown, number]>(QUERIES.deleteOlder, { olderThan });
    const total = await this.count();
    if (total <= maxRecords) return expired;
    const [, , pruned] = await this.query<[unknown, unknown, number]>(QUERIES.deleteOldest, { excess: total - maxRecords });
    return expired + pruned;
  }

  async count(): Promise<number> {
    await this.tableReady();
    const [total] = await this.query<[number]>(QUERIES.count, {});
    return total;
  }

  private tableReady(): Promise<void> {
    this.ready ??= (async () => {
      await this.query(QUERIES.define, {});
      // Spooled rows that cannot go in now stay spooled for the next open; the log itself works either way.
      await this.spool
        ?.drain(async (rows) => {
          await this.query(QUERIES.append, { rows });
        })
        .catch(() => undefined);
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}
