import { StoreError, describeError } from '../../errors';
import {
  connectSurreal,
  isDirectoryUrl,
  isEmbeddedUrl,
  releaseSurreal,
  type SurrealConnectOptions,
  type SurrealConnection,
} from './surrealConnection';
import { defineIndexesInChildProcess } from './surrealIndexProcess';
import { SURREAL_INDEXES, SURREAL_QUERIES, SURREAL_SCHEMA } from './surrealSchema';

/** Connects, selects namespace and database, and defines the table and its indexes; rejects with a CacheError. */
export async function openCacheDatabase(options: SurrealConnectOptions): Promise<SurrealConnection> {
  let connection = await connectSurreal(options);
  // Indexes: a server defines them itself; an embedded directory gets them from a child process; a mem://
  // database goes without, because creating an index here would keep this process from exiting, and an
  // in-memory table is small enough to scan.
  let missing: string[];
  try {
    missing = await defineTable(connection);
    if (missing.length > 0 && !isEmbeddedUrl(options.url)) {
      await connection.db.query(missing.join(';\n')).collect();
    }
  } catch (error) {
    await releaseSurreal(options.url, connection.db).catch(() => undefined);
    throw new StoreError('surreal', `cannot define the cache table: ${describeError(error)}`, { cause: error });
  }
  if (missing.length > 0 && isDirectoryUrl(options.url)) {
    // Creating an index in this process would pin the directory to it (see defineIndexesInChildProcess).
    await releaseSurreal(options.url, connection.db);
    const timeoutMs = options.connectTimeoutMs * 2;
    await defineIndexesInChildProcess({ ...options, statements: missing, timeoutMs });
    connection = await connectSurreal(options);
  }
  return connection;
}

/**
 * Connects to the owner of a shared embedded directory and defines the table (for a namespace or database the
 * owner does not use itself) but never its indexes: an index created through the owner would pin the directory
 * to the owner's process (see defineIndexesInChildProcess); such a table is scanned instead.
 */
export async function openCacheClient(options: SurrealConnectOptions): Promise<SurrealConnection> {
  const connection = await connectSurreal(options);
  try {
    await connection.db.query(SURREAL_SCHEMA).collect();
  } catch (error) {
    await connection.db.close().catch(() => undefined);
    throw new StoreError('surreal', `cannot define the cache table: ${describeError(error)}`, { cause: error });
  }
  return connection;
}

/** Defines the table and its fields (idempotent) and returns the DEFINE INDEX statements still to run. */
async function defineTable({ db }: SurrealConnection): Promise<string[]> {
  await db.query(SURREAL_SCHEMA).collect();
  const [info] = await db.query<[{ indexes?: Record<string, unknown> }]>(SURREAL_QUERIES.tableInfo).collect();
  return Object.entries(SURREAL_INDEXES)
    .filter(([name]) => info.indexes?.[name] === undefined)
    .map(([, statement]) => statement);
}
