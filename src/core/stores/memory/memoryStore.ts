import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from '../../clock';
import type { Timers } from '../../timers';
import { CacheClosedError, ConfigError } from '../../errors';
import { globToRegExp } from '../../keys/pattern';
import { LAYERS, type Layer } from '../../layers';
import type { EntryInfo, SetOptions, Store, StoredRecord, StoreUsage, StoreWrite } from '../store';
import { CoarseClock } from './coarseClock';
import { estimateSize } from './estimateSize';
import { fade, HeatDecay } from './pinning/hitHeat';
import { PinnedEntries } from './pinning/pinnedEntries';
import { checkPinningPolicy, NO_PINNING, type PinningPolicy } from './pinning/pinningPolicy';

/** Why an entry left the memory tier. */
export type MemoryEvictionReason = 'evict' | 'expire' | 'delete' | 'set';

export interface MemoryStoreOptions {
  /** Byte budget of each layer; entries are evicted least recently used first to stay within it. 0 disables a layer. */
  budgets: Record<Layer, number>;
  /** The cache clock that createdAt/expiresAt are read against; the system clock by default. */
  clock?: Clock;
  /**
   * Called after an entry leaves: `evict` (budget), `expire` (TTL passed, noticed on access or purge),
   * `delete` (delete, deleteMatching, clear), `set` (replaced by a newer write).
   */
  onEvict?: (layer: Layer, key: string, reason: MemoryEvictionReason) => void;
  /**
   * How stale (ms) the clock reading behind an expiry check on a hit may be. Reading the clock costs more than
   * the LRU lookup itself, so with the system clock one reading serves every hit for 1 ms (lru-cache's
   * ttlResolution idea). Default: 1 for the system clock, 0 (read on every hit) for an injected clock, so tests
   * that move a ManualClock see exact expiry.
   */
  clockResolutionMs?: number;
  /** The timers that drop a clock reading after `clockResolutionMs`; the system's by default. */
  timers?: Timers;
  /** Which frequently read entries survive LRU eviction; off by default. */
  pinning?: PinningPolicy;
}

/**
 * The record the memory tier keeps and hands back as is (no copy on a hit). It carries its size and read count
 * too; callers must treat it as read-only.
 */
interface MemoryRecord extends StoredRecord<unknown> {
  size: number;
  hits: number;
  heat: number;
  hitsAtDecay: number;
}

/**
 * The in-process tier: one byte-budgeted LRU per layer, holding decoded values so a hit costs no decoding.
 * With pinning on, an entry read often enough (decayed reads >= the threshold) that LRU order would evict is
 * kept aside instead, in a pinned set bounded to a share of the layer's budget; LRU entries and pinned entries
 * together stay within the budget. Entries leave the pinned set when they cool below the threshold (back into
 * the LRU) or when a hotter entry needs their room (evicted).
 */
export class MemoryStore implements Store<unknown> {
  readonly tier = 'memory' as const;

  private readonly clock: Clock;
  private readonly onEvict: MemoryStoreOptions['onEvict'];
  private readonly caches = {} as Record<Layer, LRUCache<string, MemoryRecord>>;
  private readonly budgets = {} as Record<Layer, number>;
  private readonly evicted: Record<Layer, number> = { prompt: 0, module: 0, context: 0, result: 0 };
  private readonly pinned = {} as Record<Layer, PinnedEntries<MemoryRecord>>;
  private pinning: PinningPolicy;
  private readonly decay: HeatDecay;
  /** Set while the store itself removes an expired entry, so the dispose hook reports `expire`, not `delete`. */
  private expiring = false;
  /** Set while entries move into a resized LRU: the old LRU's removals are not real departures. */
  private moving = false;
  private closed = false;
  /** The clock as expiry checks on a hit read it (see clockResolutionMs). */
  private readonly hitClock: CoarseClock;

  constructor(options: MemoryStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.onEvict = options.onEvict;
    this.hitClock = new CoarseClock(this.clock, options.clockResolutionMs, options.timers);
    this.pinning = checkPinningPolicy(options.pinning ?? NO_PINNING);
    this.decay = new HeatDecay(this.pinning.halfLifeMs, this.clock.now());
    for (const layer of LAYERS) {
      this.budgets[layer] = checkBudget(layer, options.budgets[layer]);
      this.caches[layer] = this.createCache(layer, this.budgets[layer]);
      this.pinned[layer] = new PinnedEntries();
    }
  }

  /**
   * The hot path: a hit returns the stored record itself, without a promise or an allocation. An expired entry
   * is removed and reads as absent. After close() every read misses.
   */
  getSync(layer: Layer, key: string): StoredRecord<unknown> | undefined {
    const cache = this.caches[layer];
    const record = cache.get(key) ?? this.pinned[layer].get(key);
    if (record === undefined) return undefined;
    if (record.expiresAt <= this.hitClock.now()) {
      this.expireEither(layer, key);
      return undefined;
    }
    // The only bookkeeping a hit does: heat is derived from this count later, off the hot path.
    record.hits++;
    return record;
  }

  /** Stores a value at once. A value larger than the layer's budget is not stored (an older value goes too). */
  setSync(layer: Layer, key: string, value: unknown, options: SetOptions): void {
    if (this.closed) throw new CacheClosedError('memory store is closed');
    const cache = this.caches[layer];
    const size = normalSize(options.size ?? estimateSize(value));
    const createdAt = this.clock.now();
    this.coolDown(createdAt);
    const replacedPin = this.pinned[layer].remove(key);
    if (this.budgets[layer] === 0 || size > this.budgets[layer]) {
      cache.delete(key);
      if (replacedPin) this.onEvict?.(layer, key, 'set');
      return;
    }
    cache.set(key, { value, createdAt, expiresAt: createdAt + options.ttlMs, size, hits: 0, heat: 0, hitsAtDecay: 0 });
    if (replacedPin) this.onEvict?.(layer, key, 'set');
    this.trimToBudget(layer);
  }

  async get(layer: Layer, key: string): Promise<StoredRecord<unknown> | undefined> {
    this.assertOpen();
    return this.getSync(layer, key);
  }

  async getMany(layer: Layer, keys: readonly string[]): Promise<Array<StoredRecord<unknown> | undefined>> {
    this.assertOpen();
    return keys.map((key) => this.getSync(layer, key));
  }

  async set(layer: Layer, key: string, value: unknown, options: SetOptions): Promise<void> {
    this.setSync(layer, key, value, options);
  }

  async setMany(layer: Layer, writes: readonly StoreWrite<unknown>[]): Promise<void> {
    for (const write of writes) this.setSync(layer, write.key, write.value, write);
  }

  async has(layer: Layer, key: string): Promise<boolean> {
    this.assertOpen();
    return this.live(layer, key) !== undefined;
  }

  async delete(layer: Layer, key: string): Promise<boolean> {
    this.assertOpen();
    const cache = this.caches[layer];
    const record = cache.peek(key) ?? this.pinned[layer].get(key);
    if (record === undefined) return false;
    if (record.expiresAt <= this.clock.now()) {
      this.expireEither(layer, key);
      return false;
    }
    if (!cache.delete(key)) this.dropPinned(layer, key, 'delete');
    return true;
  }

  async deleteMatching(layer: Layer, pattern: string): Promise<number> {
    this.assertOpen();
    const matcher = globToRegExp(pattern);
    const cache = this.caches[layer];
    // Collect first: deleting while iterating an LRUCache skips entries.
    const doomed = [...cache.keys()].filter((key) => matcher.test(key));
    for (const key of doomed) cache.delete(key);
    const doomedPins = this.pinned[layer].keys().filter((key) => matcher.test(key));
    for (const key of doomedPins) this.dropPinned(layer, key, 'delete');
    return doomed.length + doomedPins.length;
  }

  async clear(layer: Layer): Promise<number> {
    this.assertOpen();
    const cache = this.caches[layer];
    const pins = this.pinned[layer].keys();
    const count = cache.size + pins.length;
    cache.clear();
    for (const key of pins) this.dropPinned(layer, key, 'delete');
    return count;
  }

  async keys(layer: Layer, options: { pattern?: string; limit?: number } = {}): Promise<string[]> {
    this.assertOpen();
    const matcher = options.pattern === undefined ? undefined : globToRegExp(options.pattern);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    const found: string[] = [];
    for (const [key, record] of this.allEntries(layer)) {
      if (found.length >= limit) break;
      if (record.expiresAt > now && (matcher === undefined || matcher.test(key))) found.push(key);
    }
    return found;
  }

  async entries(layer: Layer, limit: number): Promise<EntryInfo[]> {
    this.assertOpen();
    const now = this.clock.now();
    this.coolDown(now);
    const found: EntryInfo[] = [];
    for (const [key, record] of this.allEntries(layer)) {
      if (record.expiresAt <= now) continue;
      const { size, createdAt, expiresAt, hits } = record;
      found.push({ key, size, createdAt, expiresAt, hits, pinned: this.pinned[layer].has(key) });
    }
    // Stable sort over most-recently-used order, so equal timestamps list the more recently used first.
    found.sort((a, b) => b.createdAt - a.createdAt);
    return found.slice(0, Math.max(0, limit));
  }

  async usage(layer: Layer): Promise<StoreUsage> {
    this.assertOpen();
    const now = this.clock.now();
    let entries = 0;
    let bytes = 0;
    for (const [, record] of this.allEntries(layer)) {
      if (record.expiresAt <= now) continue;
      entries++;
      bytes += record.size;
    }
    return { entries, bytes };
  }

  /** Removes every expired entry now (they otherwise go when read or when the budget pushes them out). */
  purgeExpired(): number {
    const now = this.clock.now();
    let purged = 0;
    for (const layer of LAYERS) {
      const expired = [...this.allEntries(layer)].filter(([, record]) => record.expiresAt <= now);
      for (const [key] of expired) this.expireEither(layer, key);
      purged += expired.length;
    }
    return purged;
  }

  /** Entries pushed out of the layer to stay within its budget, since the store was created. */
  evictions(layer: Layer): number {
    return this.evicted[layer];
  }

  /** The layer's byte budget. */
  budget(layer: Layer): number {
    return this.budgets[layer];
  }

  /** Bytes the layer's pinned entries hold (part of its budget). */
  pinnedBytesOf(layer: Layer): number {
    return this.pinned[layer].bytes;
  }

  /**
   * Applies a new pinning policy. Pinned entries that no longer qualify (pinning off, the share shrank, the
   * threshold rose) go back into LRU order, where the budget decides if they stay.
   */
  setPinning(policy: PinningPolicy): void {
    this.pinning = checkPinningPolicy(policy);
    this.decay.setHalfLife(this.pinning.halfLifeMs);
    for (const layer of LAYERS) this.releaseCold(layer);
  }

  /**
   * Applies new byte budgets at once. lru-cache fixes maxSize at construction, so a changed layer moves into a
   * new LRU, oldest first: recency is kept and what no longer fits is evicted (and counted) as usual.
   */
  resize(budgets: Record<Layer, number>): void {
    const checked = {} as Record<Layer, number>;
    for (const layer of LAYERS) checked[layer] = checkBudget(layer, budgets[layer]);
    for (const layer of LAYERS) {
      if (checked[layer] === this.budgets[layer]) continue;
      const old = this.caches[layer];
      const next = this.createCache(layer, checked[layer]);
      this.budgets[layer] = checked[layer];
      this.caches[layer] = next;
      // Pinned entries join as the oldest: the new budget's pinned share decides afresh which of them stay.
      const moving = [...this.pinned[layer], ...(old.rentries() as Generator<[string, MemoryRecord]>)];
      this.pinned[layer].clear();
      this.moving = true;
      try {
        old.clear();
      } finally {
        this.moving = false;
      }
      for (const [key, record] of moving) {
        if (record.size > checked[layer]) {
          this.evicted[layer]++;
          this.onEvict?.(layer, key, 'evict');
        } else {
          next.set(key, record);
        }
      }
      this.trimToBudget(layer);
    }
  }

  /** Drops every entry; afterwards reads miss and the async methods reject with CacheClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.moving = true;
    try {
      for (const layer of LAYERS) {
        this.caches[layer].clear();
        this.pinned[layer].clear();
      }
    } finally {
      this.moving = false;
    }
  }

  private createCache(layer: Layer, budget: number): LRUCache<string, MemoryRecord> {
    return new LRUCache<string, MemoryRecord>({
      // lru-cache needs a positive maxSize; a disabled layer (budget 0) never reaches set().
      maxSize: Math.max(1, budget),
      sizeCalculation: (record) => record.size,
      dispose: (record, key, reason) => this.disposed(layer, key, record, reason),
    });
  }

  private disposed(layer: Layer, key: string, record: MemoryRecord, reason: LRUCache.DisposeReason): void {
    if (this.moving) return;
    if (reason === 'evict' && this.pinIfHot(layer, key, record)) return;
    if (reason === 'evict') this.evicted[layer]++;
    if (this.onEvict === undefined) return;
    const mapped: MemoryEvictionReason = this.expiring
      ? 'expire'
      : reason === 'evict' || reason === 'set'
        ? reason
        : 'delete';
    this.onEvict(layer, key, mapped);
  }

  private expire(cache: LRUCache<string, MemoryRecord>, key: string): void {
    this.expiring = true;
    try {
      cache.delete(key);
    } finally {
      this.expiring = false;
    }
  }

  /** Removes an expired entry from wherever it lives, reporting `expire`. */
  private expireEither(layer: Layer, key: string): void {
    if (this.caches[layer].has(key)) this.expire(this.caches[layer], key);
    else this.dropPinned(layer, key, 'expire');
  }

  /** LRU entries (most recently used first), then pinned ones. */
  private *allEntries(layer: Layer): Generator<[string, MemoryRecord]> {
    yield* this.caches[layer].entries() as Generator<[string, MemoryRecord]>;
    yield* this.pinned[layer];
  }

  /** Called as LRU order evicts `record`: true when the pinned set keeps it instead (see PinnedEntries.admit). */
  private pinIfHot(layer: Layer, key: string, record: MemoryRecord): boolean {
    if (this.closed) return false;
    return this.pinned[layer].admit(key, record, this.pinning, this.budgets[layer], (displaced) => {
      this.evicted[layer]++;
      this.onEvict?.(layer, displaced, 'evict');
    });
  }

  /** LRU entries plus pinned ones must fit the budget: the LRU gives way (its evictions may pin hot entries). */
  private trimToBudget(layer: Layer): void {
    const cache = this.caches[layer];
    while (cache.size > 0 && cache.calculatedSize + this.pinned[layer].bytes > this.budgets[layer]) cache.pop();
  }

  /** Fades every entry's heat by the half-lives that passed, and lets entries that cooled off out of the pinned set. */
  private coolDown(now: number): void {
    if (!this.pinning.enabled) return;
    const periods = this.decay.periodsDue(now);
    if (periods === 0) return;
    for (const layer of LAYERS) {
      for (const [, record] of this.allEntries(layer)) fade(record, periods);
      this.releaseCold(layer);
    }
  }

  /** Moves pinned entries that no longer qualify back into LRU order (as most recently used). */
  private releaseCold(layer: Layer): void {
    this.pinned[layer].releaseCold(this.pinning, this.budgets[layer], (key, record) => this.caches[layer].set(key, record));
    this.trimToBudget(layer);
  }

  private dropPinned(layer: Layer, key: string, reason: MemoryEvictionReason): void {
    if (this.pinned[layer].remove(key)) this.onEvict?.(layer, key, reason);
  }

  /** The unexpired record without touching recency or hit counts. */
  private live(layer: Layer, key: string): MemoryRecord | undefined {
    const record = this.caches[layer].peek(key) ?? this.pinned[layer].get(key);
    if (record === undefined || record.expiresAt <= this.clock.now()) return undefined;
    return record;
  }

  private assertOpen(): void {
    if (this.closed) throw new CacheClosedError('memory store is closed');
  }
}

function checkBudget(layer: Layer, budget: number | undefined): number {
  if (budget === undefined || !Number.isFinite(budget) || budget < 0) {
    throw new ConfigError(`memory.budgets.${layer}`, `must be a byte count >= 0, got ${String(budget)}`);
  }
  return Math.floor(budget);
}

/** lru-cache wants a positive integer size. */
function normalSize(size: number): number {
  return size >= 1 ? Math.ceil(size) : 1;
}
