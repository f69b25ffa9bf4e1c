import type { Clock } from '../clock';
import type { Layer } from '../layers';
import { ARCHIVE_QUERIES, ARCHIVE_SCHEMA } from './archiveSchema';

/** Runs one SurrealQL text with bound parameters on the store's connection and returns each statement's result. */
export type ArchiveQueryRunner = <T extends unknown[]>(query: string, bindings: Record<string, unknown>) => Promise<T>;

/** Why an entry was archived: its TTL passed, or SurrealDB's maxEntries cap pushed it out. */
export type ArchiveReason = 'expired' | 'evicted';

/** An archived entry without its value, as listings show it. */
export interface ArchivedEntryInfo {
  layer: Layer;
  key: string;
  size: number;
  /** When it was cached, and when it expired (or would have), on the cache clock. */
  createdAt: number;
  expiresAt: number;
  archivedAt: number;
  reason: ArchiveReason;
}

export interface ArchivedEntry extends ArchivedEntryInfo {
  /** The encoded bytes as the cache stored them (sealed too when encryption at rest is on). */
  value: Uint8Array;
}

export interface SurrealArchiveOptions {
  /** Most entries the archive keeps; the longest archived go first. */
  maxEntries: number;
  /** Layers whose leaving entries are archived; the result layer by default. */
  layers?: readonly Layer[];
  clock: Clock;
}

type ArchiveRow = {
  layer: Layer;
  key: string;
  value?: ArrayBuffer | Uint8Array;
  size: number;
  created_at: number;
  expires_at: number;
  archived_at: number;
  reason: ArchiveReason;
};

/**
 * A bounded table beside the cache table that answers move to instead of vanishing, when they expire or are
 * pruned by the cap. Nothing reads it on a lookup: it is only listed and opened, so an archived answer is never
 * served as fresh.
 */
export class SurrealArchive {
  private readonly layers: readonly Layer[];
  private defined: Promise<void> | undefined;

  constructor(
    private readonly run: ArchiveQueryRunner,
    private readonly options: SurrealArchiveOptions,
  ) {
    this.layers = options.layers ?? ['result'];
  }

  /** Copies the entries that expired by `now` into the archive (call before they are deleted). */
  async keepExpired(now: number): Promise<void> {
    await this.ensureTable();
    await this.run(ARCHIVE_QUERIES.keepExpired, { layers: this.layers, now, reason: 'expired' });
    await this.trim();
  }

  /** Copies the `excess` oldest entries, those the cap is about to prune, into the archive. */
  async keepOldest(excess: number): Promise<void> {
    if (excess <= 0) return;
    await this.ensureTable();
    await this.run(ARCHIVE_QUERIES.keepOldest, {
      layers: this.layers,
      excess,
      now: this.options.clock.now(),
      reason: 'evicted',
    });
    await this.trim();
  }

  /** The most recently archived entries first. */
  async list(limit: number): Promise<ArchivedEntryInfo[]> {
    if (limit <= 0) return [];
    await this.ensureTable();
    const [rows] = await this.run<[ArchiveRow[]]>(ARCHIVE_QUERIES.list, { limit: Math.floor(limit) });
    return rows.map(toInfo);
  }

  /** One archived entry with its bytes, or undefined. */
  async read(key: string): Promise<ArchivedEntry | undefined> {
    await this.ensureTable();
    const [row] = await this.run<[ArchiveRow | undefined]>(ARCHIVE_QUERIES.read, { key });
    if (row === undefined || row === null || row.value === undefined) return undefined;
    const value = row.value instanceof Uint8Array ? row.value : new Uint8Array(row.value);
    return { ...toInfo(row), value };
  }

  async count(): Promise<number> {
    await this.ensureTable();
    const [total] = await this.run<[number]>(ARCHIVE_QUERIES.count, {});
    return total;
  }

  async clear(): Promise<void> {
    await this.ensureTable();
    await this.run(ARCHIVE_QUERIES.clear, {});
  }

  private async trim(): Promise<void> {
    await this.run(ARCHIVE_QUERIES.trim, { max: this.options.maxEntries });
  }

  private ensureTable(): Promise<void> {
    this.defined ??= this.run(ARCHIVE_SCHEMA, {}).then(
      () => undefined,
      (error: unknown) => {
        this.defined = undefined;
        throw error;
      },
    );
    return this.defined;
  }
}

function toInfo(row: ArchiveRow): ArchivedEntryInfo {
  return {
    layer: row.layer,
    key: row.key,
    size: row.size,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    archivedAt: row.archived_at,
    reason: row.reason,
  };
}
