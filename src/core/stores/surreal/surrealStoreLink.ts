import type { RecordId } from 'surrealdb';
import { CacheClosedError, StoreError, describeError } from '../../errors';
import { directoryOf, isEmbeddedUrl, surrealRecordIdClass } from './surrealConnection';
import { fixedLink, type SurrealLink } from './surrealLink';
import { openCacheDatabase, type CacheDatabaseOptions } from './surrealOpen';
import { SURREAL_TABLE } from './surrealSchema';
import { SharedSurrealDirectory } from './shared/sharedDirectory';

/** The way to the data, once opened, and the RecordId class of the SDK instance it uses. */
export interface OpenedLink {
  link: SurrealLink;
  makeRecordId: (id: string) => RecordId;
}

/**
 * How a store reaches its database: an embedded directory shared with the other processes (unless `share` is
 * false), else a connection of its own (an embedded database or a server).
 */
export function linkOpener(options: { database: CacheDatabaseOptions; share: boolean; keepLooking: boolean }): () => Promise<OpenedLink> {
  const { database } = options;
  return async () => {
    const directory = directoryOf(database.url);
    if (directory !== undefined && options.share) {
      const shared = await SharedSurrealDirectory.open(directory, { ...database, keepLooking: options.keepLooking });
      const RecordIdClass = await surrealRecordIdClass();
      return { link: shared, makeRecordId: (id) => new RecordIdClass(SURREAL_TABLE, id) };
    }
    const connection = await openCacheDatabase(database);
    const RecordIdClass = connection.RecordId;
    return {
      link: fixedLink(database.url, connection, isEmbeddedUrl(database.url) ? 'embedded' : 'server'),
      makeRecordId: (id) => new RecordIdClass(SURREAL_TABLE, id),
    };
  };
}

export function surrealStoreClosed(): CacheClosedError {
  return new CacheClosedError('surreal store is closed');
}

/**
 * A store's way to the data: opened already, or opened by the first call that needs it (a failed open is tried
 * again by the next call). Every query goes through run(), which fails fast rather than wait for a reconnect.
 */
export class SurrealStoreLink {
  private openingLink: Promise<OpenedLink> | undefined;

  constructor(
    private readonly openLink: () => Promise<OpenedLink>,
    private opened: OpenedLink | undefined,
    /** The store was closed: no open is started any more, and a failing query says so. */
    private readonly isClosed: () => boolean,
  ) {}

  /** The link once open; undefined before a deferred open completed. */
  get current(): OpenedLink | undefined {
    return this.opened;
  }

  /** The deferred open under way, if any (see Store.opening). */
  opening(): Promise<unknown> | undefined {
    return this.opened ? undefined : this.openingLink;
  }

  async recordId(id: string): Promise<RecordId> {
    return (await this.link()).makeRecordId(id);
  }

  /** Runs SurrealQL with bound parameters; each statement's result in order. Rejects with StoreError. */
  async run<T extends unknown[]>(query: string, bindings: Record<string, unknown>): Promise<T> {
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
      if (this.isClosed()) throw surrealStoreClosed();
      if (error instanceof StoreError) throw error;
      throw new StoreError('surreal', describeError(error), { cause: error });
    }
  }

  /** Closes the link; a deferred open still under way is let go of once it lands, one that failed left nothing. */
  async close(): Promise<void> {
    const opened = this.opened ?? (await this.openingLink?.catch(() => undefined));
    await opened?.link.close();
  }

  /** The way to the data, opening it first when the store was opened deferred. */
  private async link(): Promise<OpenedLink> {
    if (this.opened) return this.opened;
    if (this.isClosed()) throw surrealStoreClosed();
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
}
