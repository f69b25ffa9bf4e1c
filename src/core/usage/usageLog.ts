import { systemClock, type Clock } from '../clock';
import { describeError } from '../errors';
import { silentLogger, type Logger } from '../logger';
import type { UsageRecord } from './usageRecord';
import type { UsageQuery, UsageStore } from './usageStore';

export interface UsageLogOptions {
  store: UsageStore;
  /** Records older than this are deleted. */
  maxAgeMs: number;
  /** Most records kept; the oldest beyond it are deleted. */
  maxRecords: number;
  clock?: Clock;
  logger?: Logger;
  /** How long a record may wait in the buffer before the batch is written; default 2000, 0 = no timer. */
  flushIntervalMs?: number;
  /** A buffer this full is written at once; default 100. */
  maxBuffered?: number;
  /** How often the retention bounds are applied (on a flush); default 10 minutes. */
  pruneIntervalMs?: number;
}

/**
 * Every workflow run, recorded compactly: the basis of prewarming from usage and of TTL tuning. Records are
 * buffered and written in one query per batch (a row per query would cost a millisecond each on surrealkv);
 * a failing store loses the batch, never the run that produced it.
 */
export class UsageLog {
  private buffer: UsageRecord[] = [];
  private readonly listeners = new Set<(record: UsageRecord) => void>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly maxBuffered: number;
  private readonly pruneIntervalMs: number;
  private lastPrune = Number.NEGATIVE_INFINITY;
  /** While the store keeps failing, one warning says so and later losses go to debug, until a write succeeds. */
  private failing = false;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: UsageLogOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger).child('usage');
    this.maxBuffered = options.maxBuffered ?? 100;
    this.pruneIntervalMs = options.pruneIntervalMs ?? 10 * 60_000;
    const interval = options.flushIntervalMs ?? 2_000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.flush(), interval);
      this.timer.unref();
    }
  }

  /** Where the records live: `surreal`, or `memory` when SurrealDB is off. */
  get storeKind(): UsageStore['kind'] {
    return this.options.store.kind;
  }

  /** Called with every record as it is appended (TTL tuning, provider-cache choice). */
  onRecord(listener: (record: UsageRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(record: UsageRecord): void {
    if (this.closed) return;
    this.buffer.push(record);
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch (error) {
        this.logger.warn(`a usage listener failed: ${describeError(error)}`);
      }
    }
    if (this.buffer.length >= this.maxBuffered) void this.flush();
  }

  /** Newest first, including records not yet written. */
  async read(query: UsageQuery = {}): Promise<UsageRecord[]> {
    await this.flush();
    try {
      return await this.options.store.read(query);
    } catch (error) {
      this.logger.warn(`cannot read the usage log: ${describeError(error)}`);
      return [];
    }
  }

  /** Writes the buffered records in one batch, and applies the retention bounds when they are due. */
  flush(): Promise<void> {
    const next = this.writing.then(() => this.writeBuffered());
    this.writing = next;
    return next;
  }

  /** Applies the retention bounds now; returns how many records went. */
  async prune(): Promise<number> {
    const now = this.clock.now();
    this.lastPrune = now;
    try {
      const removed = await this.options.store.prune(now - this.options.maxAgeMs, this.options.maxRecords);
      if (removed > 0) this.logger.debug(`removed ${removed} usage records past the retention bounds`);
      return removed;
    } catch (error) {
      this.logger.warn(`cannot apply the usage log's retention bounds: ${describeError(error)}`);
      return 0;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    this.listeners.clear();
  }

  private async writeBuffered(): Promise<void> {
    const batch = this.buffer;
    if (batch.length > 0) {
      this.buffer = [];
      try {
        await this.options.store.append(batch);
        if (this.failing) this.logger.info('usage records are being written again');
        this.failing = false;
      } catch (error) {
        const message = `lost ${batch.length} usage records: ${describeError(error)}`;
        if (this.failing) this.logger.debug(message);
        else this.logger.warn(message);
        this.failing = true;
      }
    }
    if (this.clock.now() - this.lastPrune >= this.pruneIntervalMs) await this.prune();
  }
}
