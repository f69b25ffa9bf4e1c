/** How a read batch reaches Redis: one key alone (GET), or several in one command (MGET). */
export interface BatchedReads {
  one(key: string): Promise<Buffer | null>;
  many(keys: string[]): Promise<Array<Buffer | null>>;
}

/** Largest MGET a batch sends; a bigger burst is split, so one reply never grows without bound. */
export const MAX_BATCH_KEYS = 256;

interface Batch {
  keys: string[];
  replies: Promise<Array<Buffer | null>>;
  settle: { resolve(replies: Array<Buffer | null>): void; reject(error: unknown): void };
}

/**
 * Gathers the point reads issued in one tick into one MGET. Concurrent cache lookups arrive in bursts (the
 * callers a reply resumes all read again at once): as separate GETs each one costs a command object, a promise
 * and a reply parse of its own in ioredis, which at 128 reads in flight cost more than the decoding did. A lone
 * read still goes out as a plain GET, on the same tick it would have anyway.
 */
export class RedisReadBatch {
  private open: Batch | undefined;
  private readonly queued: Batch[] = [];
  private readonly flush = (): void => this.sendQueued();

  constructor(private readonly reads: BatchedReads) {}

  /** The stored bytes of `key`, or null; rejects with the command's error, shared by every read of its batch. */
  async get(key: string): Promise<Buffer | null> {
    let batch = this.open;
    if (batch === undefined || batch.keys.length >= MAX_BATCH_KEYS) {
      batch = this.startBatch();
    }
    const index = batch.keys.push(key) - 1;
    const replies = await batch.replies;
    return replies[index] ?? null;
  }

  private startBatch(): Batch {
    let settle!: Batch['settle'];
    const replies = new Promise<Array<Buffer | null>>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const batch: Batch = { keys: [], replies, settle };
    if (this.queued.length === 0) process.nextTick(this.flush);
    this.queued.push(batch);
    this.open = batch;
    return batch;
  }

  private sendQueued(): void {
    this.open = undefined;
    for (const batch of this.queued.splice(0)) {
      const [only] = batch.keys;
      const sent =
        batch.keys.length === 1 && only !== undefined
          ? this.reads.one(only).then((reply) => [reply])
          : this.reads.many(batch.keys);
      sent.then(batch.settle.resolve, batch.settle.reject);
    }
  }
}
