import { LAYERS, TIERS } from '../layers';
import type { CacheStats } from '../tiered/cacheStats';
import { addCounters, emptyCounters, type LifetimeCounters, type LifetimeCountersFile } from './lifetimeCounters';

/**
 * This process's hit and miss counts as a share of the storage folder's lifetime counts: what it counted since
 * its last flush is added to the shared file (never the whole, so processes add up instead of overwriting).
 */
export class SessionCounters {
  /** This process's counters as they were at the last flush into the shared file. */
  private flushed: LifetimeCounters = emptyCounters();

  constructor(
    private readonly file: LifetimeCountersFile,
    private readonly live: CacheStats,
  ) {}

  /** Every process's counts: the file plus what this one has not flushed yet. */
  async lifetime(): Promise<LifetimeCounters> {
    return addCounters(await this.file.load(), this.unflushed());
  }

  /** Adds what this process counted since the last flush to the shared file. */
  async flush(): Promise<void> {
    const delta = this.unflushed();
    const moved = LAYERS.some((layer) => delta.layers[layer].hits + delta.layers[layer].misses > 0);
    this.flushed = addCounters(this.flushed, delta);
    if (moved) await this.file.add(delta);
  }

  /** Zeroes the counts, here and in the shared file. */
  async reset(): Promise<void> {
    this.live.reset();
    this.flushed = emptyCounters();
    await this.file.reset();
  }

  /** What this process counted since the last flush; a reset of the cache's counters starts over from zero. */
  private unflushed(): LifetimeCounters {
    const session = emptyCounters();
    for (const layer of LAYERS) {
      session.layers[layer].hits = this.live.layers[layer].hits;
      session.layers[layer].misses = this.live.layers[layer].misses;
    }
    for (const tier of TIERS) session.tiers[tier].hits = this.live.tiers[tier].hits;
    const delta = addCounters(session, this.flushed, -1);
    const wentBack = LAYERS.some((layer) => delta.layers[layer].hits < 0 || delta.layers[layer].misses < 0);
    if (wentBack) {
      this.flushed = emptyCounters();
      return session;
    }
    return delta;
  }
}
