import type { RecordId } from 'surrealdb';
import { systemClock, type Clock } from '../../clock';
import { CacheClosedError, StoreError, describeError } from '../../errors';
import { assertSafePattern, globToRegExp } from '../../keys/pattern';
import type { Layer } from '../../layers';
import type { EntryInfo, SetOptions, Store, StoredRecord, StoreUsage, StoreWrite } from '../store';
import { SURREAL_QUERIES, SURREAL_TABLE } from './surrealSchema';
import { directoryOf, isDirectoryUrl, isEmbeddedUrl, surrealRecordIdClass, type SurrealConnectOptions } from './surrealConnection';
import { SurrealEntryFiles } from './surrealEntryFiles';
import { fixedLink, type SurrealLink } from './surrealLink';
import { openCacheDatabase } from './surrealOpen';
import { SharedSurrealDirectory } from './shared/sharedDirectory';
import { SurrealArchive } from '../../archive/surrealArchive';

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
  /** Most result entries kept in the archive table once they expire or are pruned; 0 or absent: no archive. */
  archiveMaxEntries?: number;
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

/** The way to the data, once opened, and the RecordId class of the SDK instance it uses. */
interface OpenedLink {
  link: SurrealLink;
  makeRecordId: (id: string) => RecordId;
}

/** What one cleanup pass removed. */
export interface SurrealCleanup {
  expired: number;
  pruned: number;
}

type Row = { key: string; value: ArrayBuffer | Uint8Array; created_at: number; expires_at: number };

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

  private readonly clock: Clock;
  private readonly maxEntries: number;
  private readonly cleanupTimer: NodeJS.Timeout | undefined;
  /** Writes since the last cleanup; past a tenth of maxEntries a cleanup runs so the cap holds between ticks. */
  private writesSinceCleanup = 0;
  private runningCleanup: Promise<SurrealCleanup> | undefined;
  private queuedCleanup: Promise<SurrealCleanup> | undefined;
  private closed = false;
  /** Where expired and pruned answers go instead of vanishing; undefined when the archive is off. */
  readonly archive: SurrealArchive | undefined;
  /** For an embedded directory: a file per entry beside it, read while the directory is not open yet. */
  private readonly entryFiles: SurrealEntryFiles | undefined;
  private opened: OpenedLink | undefined;
  private openingLink: Promise<OpenedLink> | undefined;
  /** While not open: the entry files' live generation, read once (the lookups of one run come within milliseconds). */
  private unopenedGeneration: Promise<string | undefined> | undefined;
  /**
   * The generation this store writes entry files into, read (or started) once: while a process has the folder open
   * nobody replaces it, so the generation cannot change under it, and a write costs no extra file reads.
   */
  private writeGeneration: Promise<string | undefined> | undefined;
  /**
   * Only a store opened deferred writes the file of an entry it had to read from the table (one written before entry
   * files existed, or whose file was lost): the next one-shot run then finds it. A long-lived store writes files with
   * every write already, and rewriting one on each of its table reads would be I/O for nobody.
   */
  private readonly repairsEntryFiles: boolean;
  /** Entry files being written after a read from the table; close() waits for them. */
  private readonly repairs = new Set<Promise<void>>();

  private constructor(
    private readonly openLink: () => Promise<OpenedLink>,
    private readonly url: string,
    options: SurrealStoreOptions,
    opened: OpenedLink | undefined,
  ) {
    this.opened = opened;
    this.repairsEntryFiles = opened === undefined;
    const directory = directoryOf(url);
    this.entryFiles = directory !== undefined ? new SurrealEntryFiles(directory) : undefined;
    this.clock = options.clock ?? systemClock;
    this.maxEntries = options.maxEntries !== undefined && options.maxEntries > 0 ? Math.floor(options.maxEntries) : 0;
    const archiveMax = Math.floor(options.archiveMaxEntries ?? 0);
    this.archive =
      archiveMax > 0
        ? new SurrealArchive((query, bindings) => this.run(query, bindings), { maxEntries: archiveMax, clock: this.clock })
        : undefined;
    const interval = options.cleanupIntervalMs ?? 60_000;
    if (interval > 0) {
      this.cleanupTimer = setInterval(() => {
        this.cleanup().catch(() => undefined);
      }, interval);
      this.cleanupTimer.unref();
    }
  }

  /**
   * Connects, selects namespace and database, and defines the table and its indexes; rejects with StoreError.
   * With `deferOpen` (embedded directories only) it resolves at once and does all that on first need.
   */
  static async open(options: SurrealStoreOptions): Promise<SurrealStore> {
    const connectOptions: SurrealConnectOptions = {
      url: options.url,
      namespace: options.namespace ?? 'cache',
      database: options.database ?? 'cache',
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      ...(options.webSocketHeaders ? { webSocketHeaders: options.webSocketHeaders } : {}),
    };
    const openLink = async (): Promise<OpenedLink> => {
      const directory = directoryOf(options.url);
      if (directory !== undefined && options.share !== false) {
        const shared = await SharedSurrealDirectory.open(directory, { ...connectOptions, keepLooking: options.keepLooking ?? false });
        const RecordIdClass = await surrealRecordIdClass();
        return { link: shared, makeRecordId: (id) => new RecordIdClass(SURREAL_TABLE, id) };
      }
      const connection = await openCacheDatabase(connectOptions);
      const RecordIdClass = connection.RecordId;
      return {
        link: fixedLink(options.url, connection, isEmbeddedUrl(options.url) ? 'embedded' : 'server'),
        makeRecordId: (id) => new RecordIdClass(SURREAL_TABLE, id),
      };
    };
    if (options.deferOpen === true && isDirectoryUrl(options.url)) return new SurrealStore(openLink, options.url, options, undefined);
    return new SurrealStore(openLink, options.url, options, await openLink());
  }

  /** The deferred open under way, if any (see Store.opening). */
  opening(): Promise<unknown> | undefined {
    return this.opened ? undefined : this.openingLink;
  }

  /** False while a deferred store has not opened its directory (every answer so far came from entry files). */
  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  /** When another process owns this shared directory: that process, which serves this one. */
  get servedBy(): number | undefined {
    return this.opened?.link.ownerPid?.();
  }

  /** True while a shared directory is busy and this store waits for it (keepLooking); calls fail meanwhile. */
  get waiting(): boolean {
    const link = this.opened?.link;
    return link instanceof SharedSurrealDirectory && link.role === 'searching';
  }

  /** How this process reaches the data: `embedded`, `server`, or how a shared directory is reached right now. */
  get reach(): string {
    return this.opened ? this.opened.link.describe() : 'not opened yet: opens on the first miss or write';
  }

  /** True for URLs whose database lives inside this process (`mem://`, `surrealkv://`, `rocksdb://`). */
  get embedded(): boolean {
    return isEmbeddedUrl(this.url);
  }

  async get(layer: Layer, key: string): Promise<StoredRecord<Uint8Array> | undefined> {
    if (this.closed) throw closedError();
    const id = recordKey(layer, key);
    if (!this.opened && this.entryFiles) {
      const found = await this.entryFiles.read(id, this.clock.now(), await this.generationWhileUnopened(this.entryFiles));
      if (found) return found;
    }
    // Read before the table: a file written for a generation that ended meanwhile is never read.
    const generation = this.repairsEntryFiles ? await this.filesGeneration() : undefined;
    const [row] = await this.run<[Row | undefined]>(SURREAL_QUERIES.get, {
      id: await this.recordId(id),
      now: this.clock.now(),
    });
    if (row === undefined) return undefined;
    const record = toRecord(row);
    this.repairEntryFile(generation, id, record);
    return record;
  }

  /** One query for all keys; results in the order of `keys`. */
  async getMany(layer: Layer, keys: readonly string[]): Promise<Array<StoredRecord<Uint8Array> | undefined>> {
    if (this.closed) throw closedError();
    if (keys.length === 0) return [];
    if (!this.opened && this.entryFiles) {
      const files = this.entryFiles;
      const now = this.clock.now();
      const generation = await this.generationWhileUnopened(files);
      const found = await Promise.all(keys.map((key) => files.read(recordKey(layer, key), now, generation)));
      if (found.every((record) => record !== undefined)) return found;
    }
    const generation = this.repairsEntryFiles ? await this.filesGeneration() : undefined;
    const [rows] = await this.run<[Row[]]>(SURREAL_QUERIES.getMany, {
      ids: await Promise.all(keys.map((key) => this.recordId(recordKey(layer, key)))),
      now: this.clock.now(),
    });
    const byKey = new Map<string, Row>();
    for (const row of rows) byKey.set(row.key, row);
    return keys.map((key) => {
      const row = byKey.get(key);
      if (row === undefined) return undefined;
      const record = toRecord(row);
      this.repairEntryFile(generation, recordKey(layer, key), record);
      return record;
    });
  }

  async set(layer: Layer, key: string, value: Uint8Array, options: SetOptions): Promise<void> {
    if (this.closed) throw closedError();
    const id = recordKey(layer, key);
    const recordId = await this.recordId(id);
    const generation = await this.filesGeneration();
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
    this.noteWrites(1);
  }

  /** All writes in one query (one transaction): a row costs far less than a query of its own. */
  async setMany(layer: Layer, writes: readonly StoreWrite<Uint8Array>[]): Promise<void> {
    if (this.closed) throw closedError();
    if (writes.length === 0) return;
    const ids = await Promise.all(writes.map((write) => this.recordId(recordKey(layer, write.key))));
    const generation = await this.filesGeneration();
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
    this.noteWrites(writes.length);
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
    await this.forgetEntryFiles(doomed.map((key) => recordKey(layer, key)));
    return doomed.length;
  }

  async clear(layer: Layer): Promise<number> {
    if (this.closed) throw closedError();
    const [, , doomed] = await this.run<[unknown, unknown, RecordId[]]>(SURREAL_QUERIES.clear, { layer });
    await this.forgetEntryFiles(doomed.map(recordKeyOf));
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
    if (this.queuedCleanup) return this.queuedCleanup;
    if (!this.runningCleanup) return this.startCleanup();
    const queued = this.runningCleanup
      .catch(() => undefined)
      .then(() => {
        this.queuedCleanup = undefined;
        return this.startCleanup();
      });
    this.queuedCleanup = queued;
    return queued;
  }

  /**
   * Stops the cleanup timer, waits for a running cleanup, and disconnects. For an embedded directory it
   * resolves only once the directory can be opened again. A second call does nothing.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    await this.queuedCleanup?.catch(() => undefined);
    await this.runningCleanup?.catch(() => undefined);
    await Promise.all(this.repairs);
    // A deferred open still under way is let go of once it lands; one that failed left nothing to close.
    const opened = this.opened ?? (await this.openingLink?.catch(() => undefined));
    await opened?.link.close();
  }

  /**
   * Runs other SurrealQL on this store's connection (the usage log's table lives next to the cache's), with
   * every value bound as a parameter.
   */
  query<T extends unknown[]>(text: string, bindings: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return this.run<T>(text, bindings);
  }

  private startCleanup(): Promise<SurrealCleanup> {
    if (this.closed) return Promise.reject(closedError());
    const pass: Promise<SurrealCleanup> = this.runCleanup().finally(() => {
      if (this.runningCleanup === pass) this.runningCleanup = undefined;
    });
    this.runningCleanup = pass;
    return pass;
  }

  private async runCleanup(): Promise<SurrealCleanup> {
    this.writesSinceCleanup = 0;
    const now = this.clock.now();
    await this.archive?.keepExpired(now);
    const [, , expiredIds] = await this.run<[unknown, unknown, RecordId[]]>(SURREAL_QUERIES.deleteExpired, { now });
    await this.forgetEntryFiles(expiredIds.map(recordKeyOf));
    const expired = expiredIds.length;
    let pruned = 0;
    if (this.maxEntries > 0) {
      const [total] = await this.run<[number]>(SURREAL_QUERIES.count, {});
      if (total > this.maxEntries) {
        await this.archive?.keepOldest(total - this.maxEntries);
        const [, , prunedIds] = await this.run<[unknown, unknown, RecordId[]]>(SURREAL_QUERIES.pruneOldest, {
          excess: total - this.maxEntries,
        });
        await this.forgetEntryFiles(prunedIds.map(recordKeyOf));
        pruned = prunedIds.length;
      }
    }
    return { expired, pruned };
  }

  private noteWrites(count: number): void {
    if (this.maxEntries === 0) return;
    this.writesSinceCleanup += count;
    if (this.writesSinceCleanup >= Math.max(1, Math.ceil(this.maxEntries / 10))) {
      this.cleanup().catch(() => undefined);
    }
  }

  /** The way to the data, opening it first when the store was opened deferred. */
  private async link(): Promise<OpenedLink> {
    if (this.opened) return this.opened;
    if (this.closed) throw closedError();
    this.openingLink ??= this.openLink().then(
      (opened) => {
        this.opened = opened;
        return opened;
      },
      (error: unknown) => {
        // The next call tries again (the tiered cache's breaker spaces the tries out).
        this.openingLink = undefined;
        throw error instanceof StoreError ? error : new StoreError('surreal', describeError(error), { cause: error });
      },
    );
    return this.openingLink;
  }

  private filesGeneration(): Promise<string | undefined> {
    const files = this.entryFiles;
    if (!files) return Promise.resolve(undefined);
    // No folder yet (a first run, before the table is opened): asked again next time.
    this.writeGeneration ??= files.generation().then((generation) => {
      if (generation === undefined) this.writeGeneration = undefined;
      return generation;
    });
    return this.writeGeneration;
  }

  private async generationWhileUnopened(files: SurrealEntryFiles): Promise<string | undefined> {
    this.unopenedGeneration ??= files.liveGeneration();
    return this.unopenedGeneration;
  }

  private async recordId(id: string): Promise<RecordId> {
    return (await this.link()).makeRecordId(id);
  }

  /** After a read from the table: the entry's file, for the next process that has not opened the directory. */
  private repairEntryFile(generation: string | undefined, id: string, record: StoredRecord<Uint8Array>): void {
    if (!this.entryFiles || generation === undefined) return;
    const repair = this.entryFiles.write(generation, id, record).finally(() => this.repairs.delete(repair));
    this.repairs.add(repair);
  }

  private async forgetEntryFiles(ids: readonly string[]): Promise<void> {
    const files = this.entryFiles;
    if (files) await Promise.all(ids.map((id) => files.remove(id)));
  }

  private async run<T extends unknown[]>(query: string, bindings: Record<string, unknown>): Promise<T> {
    try {
      const { db } = (await this.link()).link.connection();
      // While the SDK reconnects it queues queries until the server is back; failing now lets the tier degrade.
      if (db.status !== 'connected') throw new StoreError('surreal', `not connected (${db.status}); used again once the server answers`);
      // A query in flight when the connection drops would wait for the reconnect: it fails with the drop instead.
      let unsubscribe: Array<() => void> = [];
      const dropped = new Promise<never>((_resolve, reject) => {
        const drop = () => reject(new StoreError('surreal', 'the connection dropped during the query'));
        unsubscribe = [db.subscribe('reconnecting', drop), db.subscribe('disconnected', drop)];
      });
      try {
        return (await Promise.race([db.query(query, bindings).collect(), dropped])) as T;
      } finally {
        for (const stop of unsubscribe) stop();
      }
    } catch (error) {
      if (this.closed) throw closedError();
      if (error instanceof StoreError) throw error;
      throw new StoreError('surreal', describeError(error), { cause: error });
    }
  }
}

/** Layers never contain ':', so `${layer}:${key}` cannot collide across layers. */
function recordKey(layer: Layer, key: string): string {
  return `${layer}:${key}`;
}

/** The `layer:key` of a record id the table handed back (the inverse of recordKey inside an id). */
function recordKeyOf(id: RecordId): string {
  return String(id.id);
}

function toRecord(row: Row): StoredRecord<Uint8Array> {
  const value = row.value instanceof Uint8Array ? row.value : new Uint8Array(row.value);
  return { value, createdAt: row.created_at, expiresAt: row.expires_at };
}

function closedError(): CacheClosedError {
  return new CacheClosedError('surreal store is closed');
}
