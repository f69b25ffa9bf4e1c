/**
 * Concurrent callers asking for the same key share one in-flight computation. A rejected computation is
 * forgotten at once, so the next caller retries instead of inheriting the failure.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  get size(): number {
    return this.inFlight.size;
  }

  /** Whether a computation for `key` is under way. */
  has(key: string): boolean {
    return this.inFlight.has(key);
  }

  /** Resolves once every computation under way now has settled, whatever its outcome. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Runs `work` unless a run for `key` is under way; `joined` tells the caller which happened. */
  run(key: string, work: () => Promise<T>): { promise: Promise<T>; joined: boolean } {
    const existing = this.inFlight.get(key);
    if (existing) return { promise: existing, joined: true };
    const promise = (async () => {
      try {
        return await work();
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, promise);
    return { promise, joined: false };
  }
}
