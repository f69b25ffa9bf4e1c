import type { RecordId } from 'surrealdb';
import { systemClock, type Clock } from '../../clock';
import { assertSafePattern, globToRegExp } from '../../keys/pattern';
import type { Layer } from '../../layers';
import type { EntryInfo, SetOptions, Store, StoredRecord, StoreUsage, StoreWrite } from '../store';
import type { LeavingRowsKeeper, SurrealQueryRunner } from './leavingRowsKeeper';
import { SURREAL_QUERIES, type SurrealTableExtension } from './surrealSchema';
import { SurrealCleanupSchedule, type SurrealCleanup } from './surrealCleanupSchedule';
import { directoryOf, isDirectoryUrl, isEmbeddedUrl } from './surrealConnection';
import { SurrealEntryFiles } from './surrealEntryFiles';
import { SurrealEntryMirror } from './surrealEntryMirror';
import type { CacheDatabaseOptions } from './surrealOpen';
import { recordKey, recordKeyOf, toRecord, type EntryRow } from './surrealRows';
import { SurrealStoreLink, linkOpener, surrealStoreClosed as closedError, type OpenedLink } from './surrealStoreLink';
import { SharedSurrealDirectory } from './shared/sharedDirectory';

export type { SurrealCleanup };

export interface SurrealStoreOptions {
  /**
   * `surrealkv:///abs/dir` (embedded, on disk), `mem://` (embedded, gone on close), or a server:
   * `ws://host:port`, `wss://...`, `http(s)://...`.
   */
  url: string;
  /** Default `cache`. */
  namespace?: string;
  /** Default `cache`. */
  database?: string;
  /** Root user of a remote server; with `password`, the connection signs in (and again after reconnecting). */
  username?: string;
  password?: string;
  /** The cache clock that created_at/expires_at are read against; the system clock by default. */
  clock?: Clock;
  /** Most entries the table keeps; beyond it the oldest (by created_at) go, over all layers. 0 or absent: no cap. */
  maxEntries?: number;
  /** How often expired rows are deleted and the cap applied; default 60000, 0 turns the timer off. */
  cleanupIntervalMs?: number;
  /** How long open() keeps trying to connect before it rejects; default 5000. */
  connectTimeoutMs?: number;
  /** Headers on a ws(s):// upgrade: a proxy's credentials, or the access token of a shared directory's owner. */
  webSocketHeaders?: Readonly<Record<string, string>>;
  /**
   * For an embedded directory: share it with other processes (one owns it and relays to the rest, see
   * SharedSurrealDirectory). Default true; false opens it for this process alone, as a second process cannot.
   */
  share?: boolean;
  /**
   * Fields and indexes features add to the cache table (the similar-answer search: SIMILAR_TABLE_EXTENSION),
   * defined on every open. Absent: the similar-answer index, as before (see surrealFeatureDefaults.ts).
   */
  tableExtensions?: readonly SurrealTableExtension[];
  /**
   * Builds, with the store's own query runner, what a cleanup pass tells before it deletes rows (the archive of
   * expired answers: `(run) => new SurrealArchive(run, ...)`). Absent: nothing keeps them.
   */
  keepLeavingRows?: (run: SurrealQueryRunner) => LeavingRowsKeeper;
  /**
   * For a shared directory that stays busy past connectTimeoutMs (an old window still letting go of it, a process
   * that does not share it): resolve anyway and use it once it is free; meanwhile every call fails with StoreError.
   * Default false: open() rejects with SurrealDirectoryBusyError.
   */
  keepLooking?: boolean;
  /**
   * For an embedded directory: open it on the first call its entry files cannot answer (a miss, a write), not in
   * open(). A short-lived process (a CLI run) answers a hit without ever paying for the engine's start.
   */
  deferOpen?: boolean;
}

/**
 * The durable tier: one SurrealDB table for all layers, embedded in the process by default. Record ids are
 * derived from layer and key, so a read is a lookup by id; every value reaches SurrealQL as a bound parameter.
 *
 * An embedded directory is locked by one process at a time (two VS Code windows are two processes): by default it
 * is shared, the process holding it serving the others (SharedSurrealDirectory). In the same process a directory
 * can be reopened once close() has resolved; a second open() while one is open is refused.
 */
export class SurrealStore implements Store<Uint8Array> {
  readonly tier = 'surreal' as const;
  /** What cleanup passes tell before deleting rows (see SurrealStoreOptions.keepLeavingRows); undefined without. */
  readonly leavingRows: LeavingRowsKeeper | undefined;

  private readonly clock: Clock;
  private readonly maxEntries: number;
  private readonly cleanups: SurrealCleanupSchedule;
  private closed = false;
  private readonly link: SurrealStoreLink;
  /** For an embedded directory: a file per entry beside it, read while the directory is not open yet. */
  private readonly entryFiles: SurrealEntryMirror | undefined;
  /** The store's queries, bound so features built on its connection (keepLeavingRows) can run theirs. */
  private readonly run: SurrealQueryRunner = <T extends unknown[]>(query: string, bindings: Record<string, unknown>) =>
    this.link.run<T>(query, bindings);

  private constructor(
    openLink: () => Promise<OpenedLink>,
    private readonly url: string,
    options: SurrealStoreOptions,
    opened: OpenedLink | undefined,
  ) {
    this.link = new SurrealStoreLink(openLink, opened, () => this.closed);
    const directory = directoryOf(url);
    // Only a store opened deferred repairs entry files after table reads (see SurrealEntryMirror).
    this.entryFiles = directory !== undefined ? new SurrealEntryMirror(new SurrealEntryFiles(directory), opened === undefined) : undefined;
    this.clock = options.clock ?? systemClock;
    this.maxEntries = options.maxEntries !== undefined && options.maxEntries > 0 ? Math.floor(options.maxEntries) : 0;
    this.leavingRows = options.keepLeavingRows?.(this.run);
    this.cleanups = new SurrealCleanupSchedule(() => this.runCleanup(), {
      intervalMs: options.cleanupIntervalMs ?? 60_000,
      maxEntries: this.maxEntries,
      stoppedError: closedError,
    });
  }

  /**
   * Connects, selects namespace and database, and defines the table and its indexes; rejects with StoreError.
   * With `deferOpen` (embedded directories only) it resolves at once and does all that on first need.
   */
  static async open(options: SurrealStoreOptions): Promise<SurrealStore> {
    const database: CacheDatabaseOptions = {
      url: options.url,
      namespace: options.namespace ?? 'cache',
      database: options.database ?? 'cache',
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      ...(options.webSocketHeaders ? { webSocketHeaders: options.webSocketHeaders } : {}),
      tableExtensions: options.tableExtensions ?? [],
    };
    const openLink = linkOpener({ database, share: options.share !== false, keepLooking: options.keepLooking ?? false });
    if (options.deferOpen === true && isDirectoryUrl(options.url)) return new SurrealStore(openLink, options.url, options, undefined);
    return new SurrealStore(openLink, options.url, options, await openLink());
  }

  /** The deferred open under way, if any (see Store.opening). */
  opening(): Promise<unknown> | undefined {
    return this.link.opening();
  }

  /** False while a deferred store has not opened its directory (every answer so far came from entry files). */
  get isOpen(): boolean {
    return this.link.current !== undefined;
  }

  /** When another process owns this shared directory: that process, which serves this one. */
  get servedBy(): number | undefined {
    return this.link.current?.link.ownerPid?.();
  }

  /** True while a shared directory is busy and this store waits for it (keepLooking); calls fail meanwhile. */
  get waiting(): boolean {
    const link = this.link.current?.link;
    return link instanceof SharedSurrealDirectory && link.role === 'searching';
  }

  /** How this process reaches the data: `embedded`, `server`, or how a shared directory is reached right now. */
  get reach(): string {
    const opened = this.link.current;
    return opened ? opened.link.describe() : 'not opened yet: opens on the first miss or write';
  }

  /** True for URLs whose database lives inside this process (`mem://`, `surrealkv://`, `rocksdb://`). */
  get embedded(): boolean {
    return isEmbeddedUrl(this.url);
  }

  async get(layer: Layer, key: string): Promise<StoredRecord<Uint8Array> | undefined> {
    if (this.closed) throw closedError();
    const id = recordKey(layer, key);
    if (!this.isOpen && this.entryFiles) {
      const found = await this.entryFiles.readUnopened(id, this.clock.now());
      if (found) return found;
    }
    // Read before the table: a file written for a generation that ended meanwhile is never read.
    const generation = this.entryFiles?.repairsReads ? await this.entryFiles.generation() : undefined;
    const [row] = await this.run<[EntryRow | undefined]>(SURREAL_QUERIES.get, {
      id: await this.recordId(id),
      now: this.clock.now(),
    });
    if (row === undefined) return undefined;
    const record = toRecord(row);
    this.entryFiles?.repair(generation, id, record);
    return record;
  }

  /** One query for all keys; results in the order of `keys`. */
  async getMany(layer: Layer, keys: readonly string[]): Promise<Array<StoredRecord<Uint8Array> | undefined>> {
    if (this.closed) throw closedError();
    if (keys.length === 0) return [];
    if (!this.isOpen && this.entryFiles) {
      const found = await this.entryFiles.readManyUnopened(
        keys.map((key) => recordKey(layer, key)),
        this.clock.now(),
      );
      if (found.every((record) => record !== undefined)) return found;
    }
    const generation = this.entryFiles?.repairsReads ? await this.entryFiles.generation() : undefined;
    const [rows] = await this.run<[EntryRow[]]>(SURREAL_QUERIES.getMany, {
      ids: await Promise.all(keys.map((key) => this.recordId(recordKey(layer, key)))),
      now: this.clock.now(),
    });
    const byKey = new Map<string, EntryRow>();
    for (const row of rows) byKey.set(row.key, row);
    return keys.map((key) => {
      const row = byKey.get(key);
      if (row === undefined) return undefined;
      const record = toRecord(row);
      this.entryFiles?.repair(generation, recordKey(layer, key), record);
      return record;
    });
  }

  async set(layer: Layer, key: string, value: Uint8Array, options: SetOptions): Promise<void> {
    if (this.closed) throw closedError();
    const id = recordKey(layer, key);
    const recordId = await this.recordId(id);
    const generation = await this.entryFiles?.generation();
    const createdAt = this.clock.now();
    await this.run(SURREAL_QUERIES.set, {
      id: recordId,
      layer,
      key,
      value,
      size: value.byteLength,
      created_at: createdAt,
      expires_at: createdAt + options.ttlMs,
    });
    await this.entryFiles?.write(generation, id, { value, createdAt, expiresAt: createdAt + options.ttlMs });
    this.cleanups.noteWrites(1);
  }

  /** All writes in one query (one transaction): a row costs far less than a query of its own. */
  async setMany(layer: Layer, writes: readonly StoreWrite<Uint8Array>[]): Promise<void> {
    if (this.closed) throw closedError();
    if (writes.length === 0) return;
    const ids = await Promise.all(writes.map((write) => this.recordId(recordKey(layer, write.key))));
    const generation = await this.entryFiles?.generation();
    const createdAt = this.clock.now();
    const rows = writes.map((write, index) => ({
      id: ids[index],
      content: {
        layer,
        key: write.key,
        value: write.value,
        size: write.value.byteLength,
        created_at: createdAt,
        expires_at: createdAt + write.ttlMs,
      },
    }));
    await this.run(SURREAL_QUERIES.setMany, { rows });
    const files = this.entryFiles;
    if (files) {
      await Promise.all(
        writes.map((write) =>
          files.write(generation, recordKey(layer, write.key), { value: write.value, createdAt, expiresAt: createdAt + write.ttlMs }),
        ),
      );
    }
    this.cleanups.noteWrites(writes.length);
  }

  async has(layer: Layer, key: string): Promise<boolean> {
    if (this.closed) throw closedError();
    const [live] = await this.run<[boolean]>(SURREAL_QUERIES.has, {
      id: await this.recordId(recordKey(layer, key)),
      now: this.clock.now(),
    });
    return live === true;
  }

  /** True when a live entry was deleted; an expired one is removed too but answers false. */
  async delete(layer: Layer, key: string): Promise<boolean> {
    if (this.closed) throw closedError();
    const id = recordKey(layer, key);
    const results = await this.run<[unknown, unknown, boolean]>(SURREAL_QUERIES.delete, {
      id: await this.recordId(id),
      now: this.clock.now(),
    });
    await this.entryFiles?.remove(id);
    return results[2] === true;
  }

  /** The glob is matched here rather than in SurrealQL, so no user text ever becomes part of a query. */
  async deleteMatching(layer: Layer, pattern: string): Promise<number> {
    if (this.closed) throw closedError();
    const matcher = globToRegExp(pattern);
    const [keys] = await this.run<[string[]]>(SURREAL_QUERIES.layerKeys, { layer });
    const doomed = keys.filter((key) => matcher.test(key));
    if (doomed.length === 0) return 0;
    await this.run(SURREAL_QUERIES.deleteIds, { ids: await Promise.all(doomed.map((key) => this.recordId(recordKey(layer, key)))) });
    await this.entryFiles?.forget(doomed.map((key) => recordKey(layer, key)));
    return doomed.length;
  }

  async clear(layer: Layer): Promise<number> {
    if (this.closed) throw closedError();
    const [, , doomed] = await this.run<[unknown, unknown, RecordId[]]>(SURREAL_QUERIES.clear, { layer });
    await this.entryFiles?.forget(doomed.map(recordKeyOf));
    return doomed.length;
  }

  async keys(layer: Layer, options: { pattern?: string; limit?: number } = {}): Promise<string[]> {
    if (this.closed) throw closedError();
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (limit <= 0) return [];
    const now = this.clock.now();
    if (options.pattern === undefined) {
      const query = Number.isFinite(limit) ? SURREAL_QUERIES.liveKeysLimited : SURREAL_QUERIES.liveKeys;
      const [keys] = await this.run<[string[]]>(query, { layer, now, limit: Math.floor(limit) });
      return keys;
    }
    assertSafePattern(options.pattern);
    const matcher = globToRegExp(options.pattern);
    const [keys] = await this.run<[string[]]>(SURREAL_QUERIES.liveKeys, { layer, now });
    return keys.filter((key) => matcher.test(key)).slice(0, limit);
  }

  async entries(layer: Layer, limit: number): Promise<EntryInfo[]> {
    if (this.closed) throw closedError();
    if (limit <= 0) return [];
    const [rows] = await this.run<[Array<{ key: string; size: number; created_at: number; expires_at: number }>]>(
      SURREAL_QUERIES.entries,
      { layer, now: this.clock.now(), limit: Math.floor(limit) },
    );
    return rows.map((row) => ({ key: row.key, size: row.size, createdAt: row.created_at, expiresAt: row.expires_at }));
  }

  async usage(layer: Layer): Promise<StoreUsage> {
    if (this.closed) throw closedError();
    const [rows] = await this.run<[Array<{ entries: number; bytes: number }>]>(SURREAL_QUERIES.usage, {
      layer,
      now: this.clock.now(),
    });
    const row = rows[0];
    return { entries: row?.entries ?? 0, bytes: row?.bytes ?? 0 };
  }

  /**
   * Deletes expired rows, then the oldest rows beyond maxEntries. Runs on the timer and after many writes.
   * Passes never overlap: a call during a pass gets the next one (shared with other callers meanwhile), so
   * what it returns covers every write made before the call.
   */
  cleanup(): Promise<SurrealCleanup> {
    if (this.closed) return Promise.reject(closedError());
    return this.cleanups.request();
  }

  /**
   * Stops the cleanup timer, waits for a running cleanup, and disconnects. For an embedded directory it
   * resolves only once the directory can be opened again. A second call does nothing.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.cleanups.stop();
    await this.entryFiles?.settled();
    await this.link.close();
  }

  /**
   * Runs other SurrealQL on this store's connection (the usage log's table lives next to the cache's), with
   * every value bound as a parameter.
   */
  query<T extends unknown[]>(text: string, bindings: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return this.run<T>(text, bindings);
  }

  /** One cleanup pass: the leaving rows' keeper sees them first, then they and their entry files go. */
  private async runCleanup(): Promise<SurrealCleanup> {
    const now = this.clock.now();
    await this.leavingRows?.keepExpired(now);
    const [, , expiredIds] = await this.run<[unknown, unknown, RecordId[]]>(SURREAL_QUERIES.deleteExpired, { now });
    await this.entryFiles?.forget(expiredIds.map(recordKeyOf));
    const expired = expiredIds.length;
    let pruned = 0;
    if (this.maxEntries > 0) {
      const [total] = await this.run<[number]>(SURREAL_QUERIES.count, {});
      if (total > this.maxEntries) {
        await this.leavingRows?.keepOldest(total - this.maxEntries);
        const [, , prunedIds] = await this.run<[unknown, unknown, RecordId[]]>(SURREAL_QUERIES.pruneOldest, {
          excess: total - this.maxEntries,
        });
        await this.entryFiles?.forget(prunedIds.map(recordKeyOf));
        pruned = prunedIds.length;
      }
    }
    return { expired, pruned };
  }

  private recordId(id: string): Promise<RecordId> {
    return this.link.recordId(id);
  }
}
