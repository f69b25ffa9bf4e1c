import type { Layer } from '../layers';
import type { StoreWrite } from '../stores/store';

export interface PendingWrite extends StoreWrite<Uint8Array> {
  layer: Layer;
  /** When the write was queued, on the cache clock; the remaining TTL is taken from it at flush time. */
  queuedAt: number;
}

export interface WriteBehindOptions {
  flushIntervalMs: number;
  /** A flush starts early once this many writes are waiting. */
  maxBatch: number;
  /** Writes the batch to the shared tiers; must not throw for a tier failure (the cache handles those). */
  flush: (writes: PendingWrite[]) => Promise<void>;
}

/**
 * Holds encoded writes for the shared tiers and sends them in batches. A later write to the same key replaces
 * the earlier one, invalidations remove queued writes they cover, and `drain()` sends everything, so a clean
 * shutdown loses nothing.
 */
export class WriteBehindQueue {
  private pending = new Map<string, PendingWrite>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: WriteBehindOptions) {}

  get size(): number {
    return this.pending.size;
  }

  enqueue(write: PendingWrite): void {
    const id = queueId(write.layer, write.key);
    // Re-inserting moves the key to the end, so batches keep write order.
    this.pending.delete(id);
    this.pending.set(id, write);
    if (this.pending.size >= this.options.maxBatch) {
      void this.flushNow();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flushNow(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** A queued write not yet sent, so a read that misses memory still finds it. */
  peek(layer: Layer, key: string): PendingWrite | undefined {
    return this.pending.get(queueId(layer, key));
  }

  /** Drops queued writes the predicate selects (an invalidation reached them first). */
  discard(predicate: (write: PendingWrite) => boolean): number {
    let dropped = 0;
    for (const [id, write] of this.pending) {
      if (predicate(write)) {
        this.pending.delete(id);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Sends what is queued now; resolves when this and every earlier flush finished. */
  flushNow(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const previous = this.flushing;
    this.flushing = (async () => {
      await previous;
      if (batch.length > 0) await this.options.flush(batch);
    })();
    return this.flushing;
  }

  /** Flushes until nothing is left (writes may arrive while a flush runs). */
  async drain(): Promise<void> {
    do {
      await this.flushNow();
    } while (this.pending.size > 0);
  }
}

function queueId(layer: Layer, key: string): string {
  return `${layer}\u0000${key}`;
}
