import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../clock';
import { CacheClosedError } from '../errors';
import { TypedEmitter } from '../events';
import { assertSafeKey, assertSafePattern } from '../keys/pattern';
import type { Layer, Tier, TierStatus } from '../layers';
import { silentLogger } from '../logger';
import type { EntryInfo, StoreUsage, StoreWrite } from '../stores/store';
import { DEFAULT_CONFIG } from '../config/resolveConfig';
import { buildCacheReport, buildMemoryReport, type CacheReport, type MemoryLayerReport } from './cacheReport';
import { CacheStats } from './cacheStats';
import { BackgroundTasks } from './backgroundTasks';
import type { TierHealth } from './tierHealth';
import { SingleFlight } from './singleFlight';
import type { CacheHit, GetOrComputeOptions, TieredCacheOptions } from './tieredCacheOptions';
import type { CacheEvents, InvalidationEvent, LayerPolicy, LookupStatus, MemoryTier, ValueCodec, ValueShapeCheck, WriteMode } from './tierTypes';
import { CacheInvalidation } from './cacheInvalidation';
import { SharedTierReads } from './sharedTierReads';
import { SharedTierStack } from './sharedTierStack';
import { NOT_FOUND, ValueAdmission } from './valueAdmission';
import { WriteBehindQueue } from './writeBehindQueue';

export type { CacheReport, MemoryLayerReport, TierReport } from './cacheReport';
export type { CacheHit, GetOrComputeOptions, SharedTierEntry, TieredCacheOptions } from './tieredCacheOptions';

type Resolved = { value: unknown; source: Tier | 'compute' };

/**
 * The tiered cache: every layer reads memory, then each shared tier in the registry's order (tiers/tierRegistry.ts),
 * promotes a hit into the faster tiers with its remaining TTL, and on a miss computes once (single-flight) and
 * writes through or behind. Shared tiers that fail are skipped behind circuit breakers, so a call only fails when
 * its own computation does.
 */
export class TieredCache {
  readonly events = new TypedEmitter<CacheEvents>();
  readonly stats = new CacheStats();
  readonly instanceId: string;

  private readonly memory: MemoryTier;
  /** The shared tiers, fastest first, each behind its timeout and breaker. */
  private readonly shared: SharedTierStack;
  private readonly admission: ValueAdmission;
  private readonly codec: ValueCodec;
  private readonly clock: Clock;
  private readonly flights = new SingleFlight<Resolved>();
  private readonly writeBehind: WriteBehindQueue | undefined;
  private readonly background = new BackgroundTasks();
  private readonly reads: SharedTierReads;
  private policies: Record<Layer, LayerPolicy>;
  /** Removals here and from other instances; its per-layer epoch keeps a value computed across one unstored. */
  private readonly invalidation: CacheInvalidation;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(options: TieredCacheOptions) {
    this.memory = options.memory;
    this.codec = options.codec;
    this.clock = options.clock ?? systemClock;
    this.policies = { ...options.layers };
    this.instanceId = options.instanceId ?? randomUUID();
    this.admission = new ValueAdmission({
      memory: this.memory,
      codec: this.codec,
      clock: this.clock,
      stats: this.stats,
      events: this.events,
      layerValues: { ...options.layerValues },
      logger: options.logger ?? silentLogger,
      dropFrom: (tier, layer, key) => void this.reads.drop(tier, layer, key),
    });
    // Defaults from the one place settings are defined (configKeys.ts), so a cache built without them behaves as
    // the extension does.
    const defaults = DEFAULT_CONFIG;
    this.shared = new SharedTierStack(options.shared ?? [], {
      timeoutMs: options.tierTimeoutMs ?? defaults.tiers.timeoutMs,
      breaker: {
        threshold: options.breaker?.threshold ?? defaults.tiers.breakerThreshold,
        cooldownMs: options.breaker?.cooldownMs ?? defaults.tiers.breakerCooldownMs,
      },
      clock: this.clock,
      stats: this.stats,
      onStatus: (tier, status) => this.events.emit('tierStatus', { tier, status }),
      onError: (tier, operation, error) => this.events.emit('tierError', { tier, operation, error }),
      onHealth: (tier, health) => this.events.emit('tierHealth', { tier, ...health }),
    });
    if ((options.writeMode ?? 'write-through') === 'write-behind' && !this.shared.isEmpty) {
      this.writeBehind = new WriteBehindQueue({
        flushIntervalMs: options.writeBehind?.flushIntervalMs ?? defaults.writeBehind.flushIntervalMs,
        maxBatch: options.writeBehind?.maxBatch ?? defaults.writeBehind.maxBatch,
        flush: (writes) => this.shared.flushWrites(writes, this.clock.now()),
      });
    }
    this.invalidation = new CacheInvalidation({
      instanceId: this.instanceId,
      memory: this.memory,
      shared: this.shared,
      writeBehind: this.writeBehind,
      bus: options.bus,
      events: this.events,
      background: this.background,
      open: () => !this.closed,
    });
    this.reads = new SharedTierReads({
      memory: this.memory,
      shared: this.shared,
      admission: this.admission,
      stats: this.stats,
      clock: this.clock,
      writeBehind: this.writeBehind,
      background: this.background,
    });
  }

  /** Builds the cache and, when a bus is given, subscribes to other instances' invalidations. */
  static async create(options: TieredCacheOptions): Promise<TieredCache> {
    const cache = new TieredCache(options);
    await cache.invalidation.listen();
    return cache;
  }

  get writeMode(): WriteMode {
    return this.writeBehind ? 'write-behind' : 'write-through';
  }

  /**
   * Applies new TTLs, entry caps and memory budgets (settings changed). Existing entries keep the TTL they were
   * written with; memory evicts what no longer fits its budget.
   */
  reconfigure(policies: Record<Layer, LayerPolicy>, memoryBudgets?: Record<Layer, number>): void {
    this.policies = { ...policies };
    if (memoryBudgets) this.memory.resize(memoryBudgets);
  }

  policy(layer: Layer): LayerPolicy {
    return this.policies[layer];
  }

  tierStatus(tier: Tier): TierStatus {
    return tier === 'memory' ? 'up' : this.shared.status(tier);
  }

  /** What the last operation on `tier` showed (stats and views); tierStatus is the breaker's routing view. */
  tierHealth(tier: Tier): TierHealth {
    return tier === 'memory' ? { status: 'up' } : this.shared.health(tier);
  }

  /**
   * The value for `key`, from the fastest tier that has it, or from `compute` when none does. Concurrent calls
   * for one key share a single run of `compute`; a computation that throws is not cached and the error reaches
   * every caller that shared it.
   */
  async getOrCompute<T>(
    layer: Layer,
    key: string,
    compute: () => T | Promise<T>,
    options?: GetOrComputeOptions<T>,
  ): Promise<T> {
    if (this.closed) throw new CacheClosedError('the cache is closed');
    const record = this.memory.getSync(layer, key);
    let cached = this.admission.memoryValue(layer, key, record, options?.status);
    if (cached !== NOT_FOUND && options?.shape !== undefined) {
      cached = this.admission.narrowMemoryValue(layer, key, cached, options.shape, options.status);
    }
    if (cached !== NOT_FOUND && (options?.validate === undefined || (await options.validate(cached as T)))) {
      this.countHit(layer, 'memory', key);
      if (options?.status) options.status.source = 'memory';
      return cached as T;
    }
    assertSafeKey(key);
    const stale = cached !== NOT_FOUND;
    const flight = this.flights.run(`${layer}\u0000${key}`, () =>
      this.resolveMiss(layer, key, compute, options as GetOrComputeOptions | undefined, stale),
    );
    const resolved = await flight.promise;
    if (flight.joined) {
      this.stats.layers[layer].sharedComputations += 1;
      if (resolved.source === 'compute') this.stats.layers[layer].misses += 1;
      else this.stats.layers[layer].hits += 1;
      if (options?.status) {
        options.status.source = 'joined';
        options.status.sharedSource = resolved.source;
      }
    }
    return resolved.value as T;
  }

  /**
   * The memory tier's value for `key` with no promise in between, for hot callers that can use a memory hit at
   * once; undefined when memory does not hold it (then get or getOrCompute reads the shared tiers). A hit counts
   * like any other; a miss counts nothing, since the caller's next call counts it.
   */
  peek<T>(layer: Layer, key: string): T | undefined {
    const record = this.memory.getSync(layer, key);
    const value = this.admission.memoryValue(layer, key, record);
    if (value === NOT_FOUND) return undefined;
    this.countHit(layer, 'memory', key);
    return value as T;
  }

  /** The value for `key` from the fastest tier that has it, promoted into the faster ones; undefined on a miss. */
  async get<T>(
    layer: Layer,
    key: string,
    options?: {
      uncounted?: boolean;
      /** A narrower check than the layer's for this read, as in GetOrComputeOptions. */
      shape?: ValueShapeCheck;
    },
  ): Promise<CacheHit<T> | undefined> {
    if (this.closed) throw new CacheClosedError('the cache is closed');
    // Bookkeeping reads (the pipeline's run manifests, the tree opening an entry) are not lookups a user made.
    const counted = options?.uncounted !== true;
    const record = this.memory.getSync(layer, key);
    let value = this.admission.memoryValue(layer, key, record);
    if (value !== NOT_FOUND && options?.shape !== undefined) value = this.admission.narrowMemoryValue(layer, key, value, options.shape);
    if (record !== undefined && value !== NOT_FOUND) {
      if (counted) this.countHit(layer, 'memory', key);
      return { value: value as T, tier: 'memory', expiresAt: record.expiresAt };
    }
    assertSafeKey(key);
    const found = await this.reads.read(layer, key, options?.shape);
    if (!found) {
      if (counted) this.countMiss(layer, key);
      return undefined;
    }
    if (counted) this.countHit(layer, found.tier, key);
    return found as CacheHit<T>;
  }

  /** Stores a value in every tier (write-through) or in memory now and the shared tiers soon (write-behind). */
  async set(
    layer: Layer,
    key: string,
    value: unknown,
    options?: {
      ttlMs?: number;
      status?: LookupStatus;
      sharedTiers?: boolean;
      /** Written to the shared tiers before this resolves even in write-behind mode (others must read it now). */
      writeThrough?: boolean;
    },
  ): Promise<boolean> {
    if (this.closed) throw new CacheClosedError('the cache is closed');
    assertSafeKey(key);
    const ttlMs = options?.ttlMs ?? this.policies[layer].ttlMs;
    const shared = options?.sharedTiers ?? true;
    return this.store(layer, key, value, ttlMs, this.invalidation.epoch(layer), options?.status, shared, options?.writeThrough === true);
  }

  /** Bulk read for warming: results in the order of `keys`, each read through the tiers like `get`. */
  async getMany<T>(layer: Layer, keys: readonly string[]): Promise<Array<T | undefined>> {
    if (this.closed) throw new CacheClosedError('the cache is closed');
    const results = new Array<T | undefined>(keys.length).fill(undefined);
    let missing: number[] = [];
    keys.forEach((key, index) => {
      assertSafeKey(key);
      const record = this.memory.getSync(layer, key);
      const value = this.admission.memoryValue(layer, key, record);
      if (value === NOT_FOUND) missing.push(index);
      else {
        results[index] = value as T;
        this.countHit(layer, 'memory', key);
      }
    });
    missing = await this.reads.readMany(layer, keys, missing, results, (tier, key) => this.countHit(layer, tier, key));
    for (const index of missing) this.countMiss(layer, keys[index] as string);
    return results;
  }

  /** Bulk write for warming: one pipeline to Redis and one query to SurrealDB per call. */
  async setMany(layer: Layer, entries: ReadonlyArray<{ key: string; value: unknown; ttlMs?: number }>): Promise<number> {
    if (this.closed) throw new CacheClosedError('the cache is closed');
    const writes: StoreWrite<Uint8Array>[] = [];
    for (const entry of entries) {
      assertSafeKey(entry.key);
      const ttlMs = entry.ttlMs ?? this.policies[layer].ttlMs;
      const bytes = this.encodeWithinCap(layer, entry.key, entry.value);
      if (!bytes) continue;
      this.memory.setSync(layer, entry.key, entry.value, { ttlMs, size: bytes.byteLength });
      writes.push({ key: entry.key, value: bytes, ttlMs, size: bytes.byteLength });
    }
    if (writes.length === 0) return 0;
    if (this.writeBehind) {
      const queuedAt = this.clock.now();
      for (const write of writes) this.writeBehind.enqueue({ ...write, layer, queuedAt });
    } else {
      await this.shared.writeAll(layer, writes);
    }
    return writes.length;
  }

  /** Removes one entry from every tier and tells other instances. */
  async invalidate(layer: Layer, key: string): Promise<InvalidationEvent> {
    assertSafeKey(key);
    return this.invalidation.apply({ origin: this.instanceId, kind: 'key', layer, key });
  }

  async invalidateLayer(layer: Layer): Promise<InvalidationEvent> {
    return this.invalidation.apply({ origin: this.instanceId, kind: 'layer', layer });
  }

  /** Removes every key the glob matches (`*` and `?` over the safe key space), in one layer or all of them. */
  async invalidatePattern(pattern: string, layer: Layer | null = null): Promise<InvalidationEvent> {
    assertSafePattern(pattern);
    return this.invalidation.apply({ origin: this.instanceId, kind: 'pattern', layer, pattern });
  }

  /**
   * Empties one tier of one layer and leaves the others alone: to free memory, or to drop a tier's copies while
   * keeping the rest (the next read promotes them back). Not broadcast, since other instances' tiers are theirs.
   */
  clearTier(layer: Layer, tier: Tier): Promise<InvalidationEvent> {
    return this.invalidation.clearTier(layer, tier);
  }

  async invalidateAll(): Promise<InvalidationEvent> {
    return this.invalidation.apply({ origin: this.instanceId, kind: 'all' });
  }

  /** The newest entries of a layer in one tier, for the tree view. */
  async entries(layer: Layer, tier: Tier, limit: number): Promise<EntryInfo[]> {
    return tier === 'memory' ? this.memory.entries(layer, limit) : this.shared.entries(tier, layer, limit);
  }

  /** Counters, tier health and sizes; sizes of a failing tier read as 0. */
  async report(): Promise<CacheReport> {
    return buildCacheReport({
      stats: this.stats,
      memory: this.memory,
      health: (tier) => this.tierHealth(tier),
      usage: (tier: Tier, layer: Layer): Promise<StoreUsage> =>
        tier === 'memory' ? this.memory.usage(layer) : this.shared.usage(tier, layer),
    });
  }

  /** The memory tier's figures per layer, without asking the shared tiers: cheap enough for every metrics scrape. */
  memoryReport(): Promise<Record<Layer, MemoryLayerReport>> {
    return buildMemoryReport(this.memory);
  }

  /** Sends queued write-behind writes now. */
  async flush(): Promise<void> {
    await this.writeBehind?.drain();
    await this.background.settled();
  }

  /** Flushes queued writes, then closes the bus and every store. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    // Runs under way finish first, so their writes land before the stores go.
    await this.flights.settled();
    await this.flush();
    await this.invalidation.close();
    await Promise.allSettled([this.memory.close(), this.shared.close()]);
    this.events.removeAll();
  }

  private async resolveMiss(
    layer: Layer,
    key: string,
    compute: () => unknown,
    options: GetOrComputeOptions | undefined,
    memoryWasStale: boolean,
  ): Promise<Resolved> {
    // A stale memory copy was written through to the shared tiers too; reading them would find the same value.
    const found = memoryWasStale ? undefined : await this.reads.read(layer, key, options?.shape, options?.status);
    if (found && (options?.validate === undefined || (await options.validate(found.value)))) {
      this.countHit(layer, found.tier, key);
      if (options?.status) options.status.source = found.tier;
      return { value: found.value, source: found.tier };
    }
    this.countMiss(layer, key);
    const epoch = this.invalidation.epoch(layer);
    this.stats.layers[layer].computations += 1;
    const value = await compute();
    if (options?.status) options.status.source = 'compute';
    if (options?.storedByCompute?.()) return { value, source: 'compute' };
    const rule = options?.sharedTiers ?? true;
    const shared = typeof rule === 'function' ? rule(value) : rule;
    await this.store(layer, key, value, options?.ttlMs ?? this.policies[layer].ttlMs, epoch, options?.status, shared);
    return { value, source: 'compute' };
  }

  private async store(
    layer: Layer,
    key: string,
    value: unknown,
    ttlMs: number,
    epoch: number,
    status: LookupStatus | undefined,
    shared: boolean,
    writeThrough = false,
  ): Promise<boolean> {
    if (epoch !== this.invalidation.epoch(layer)) {
      // The layer was invalidated while this value was being computed: it may be built on what was dropped.
      if (status) status.notStoredReason = 'invalidated';
      return false;
    }
    const bytes = this.encodeWithinCap(layer, key, value);
    if (!bytes) {
      if (status) status.notStoredReason = 'too-large';
      return false;
    }
    const size = bytes.byteLength;
    this.memory.setSync(layer, key, value, { ttlMs, size });
    this.stats.tiers.memory.writes += 1;
    if (this.events.hasListeners('set')) this.events.emit('set', { layer, key, size });
    if (!shared) {
      if (status) status.memoryOnly = true;
      return true;
    }
    if (this.writeBehind && !writeThrough) {
      this.writeBehind.enqueue({ layer, key, value: bytes, ttlMs, size, queuedAt: this.clock.now() });
      return true;
    }
    // An older value still queued for this key must not land after this one.
    if (this.writeBehind) this.writeBehind.discard((queued) => queued.layer === layer && queued.key === key);
    const write = [{ key, value: bytes, ttlMs, size }];
    await this.shared.writeAll(layer, write);
    return true;
  }

  private encodeWithinCap(layer: Layer, key: string, value: unknown): Uint8Array | undefined {
    const bytes = this.codec.encode(value);
    const limit = this.policies[layer].maxEntryBytes;
    if (bytes.byteLength > limit) {
      this.events.emit('tooLarge', { layer, key, size: bytes.byteLength, limit });
      return undefined;
    }
    return bytes;
  }

  private countHit(layer: Layer, tier: Tier, key: string): void {
    this.stats.layers[layer].hits += 1;
    this.stats.tiers[tier].hits += 1;
    if (this.events.hasListeners('hit')) this.events.emit('hit', { layer, key, tier });
  }

  private countMiss(layer: Layer, key: string): void {
    this.stats.layers[layer].misses += 1;
    this.stats.tiers.memory.misses += 1;
    if (this.events.hasListeners('miss')) this.events.emit('miss', { layer, key });
  }

}
