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
import { SURREAL_QUERIES, cacheTableIndexes, cacheTableSchema, type SurrealTableExtension } from './surrealSchema';

/** How to reach the database, and what features add to its cache table. */
export interface CacheDatabaseOptions extends SurrealConnectOptions {
  tableExtensions?: readonly SurrealTableExtension[];
}

/** Connects, selects namespace and database, and defines the table and its indexes; rejects with a CacheError. */
export async function openCacheDatabase(options: CacheDatabaseOptions): Promise<SurrealConnection> {
  let connection = await connectSurreal(options);
  // Indexes: a server defines them itself; an embedded directory gets them from a child process; a mem://
  // database goes without, because creating an index here would keep this process from exiting, and an
  // in-memory table is small enough to scan.
  let missing: string[];
  try {
    missing = await defineTable(connection, options.tableExtensions);
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
export async function openCacheClient(options: CacheDatabaseOptions): Promise<SurrealConnection> {
  const connection = await connectSurreal(options);
  try {
    await connection.db.query(cacheTableSchema(options.tableExtensions)).collect();
  } catch (error) {
    await connection.db.close().catch(() => undefined);
    throw new StoreError('surreal', `cannot define the cache table: ${describeError(error)}`, { cause: error });
  }
  return connection;
}

/** Defines the table and its fields (idempotent) and returns the DEFINE INDEX statements still to run. */
async function defineTable({ db }: SurrealConnection, extensions?: readonly SurrealTableExtension[]): Promise<string[]> {
  await db.query(cacheTableSchema(extensions)).collect();
  const [info] = await db.query<[{ indexes?: Record<string, unknown> }]>(SURREAL_QUERIES.tableInfo).collect();
  return Object.entries(cacheTableIndexes(extensions))
    .filter(([name]) => info.indexes?.[name] === undefined)
    .map(([, statement]) => statement);
}
