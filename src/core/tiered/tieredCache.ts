import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../clock';
import { CacheClosedError, CodecError } from '../errors';
import { TypedEmitter, type Unsubscribe } from '../events';
import { assertSafeKey, assertSafePattern, globToRegExp } from '../keys/pattern';
import { LAYERS, TIERS, type Layer, type Tier, type TierStatus } from '../layers';
import { silentLogger, type Logger } from '../logger';
import type { EntryInfo, Store, StoredRecord, StoreUsage, StoreWrite } from '../stores/store';
import { DEFAULT_CONFIG } from '../config/resolveConfig';
import { CacheStats, hitRate, type StatsSnapshot } from './cacheStats';
import { EncodedValue } from './encodedValue';
import { GuardedTier, SKIPPED } from './guardedTier';
import type { TierHealth } from './tierHealth';
import type { InvalidationBus, InvalidationMessage } from './invalidationBus';
import { SingleFlight } from './singleFlight';
import type {
  CacheEvents,
  InvalidationEvent,
  LayerPolicy,
  LookupStatus,
  MemoryTier,
  RemoteTier,
  ValueCodec,
  ValueShapeCheck,
  WriteMode,
} from './tierTypes';
import { WriteBehindQueue, type PendingWrite } from './writeBehindQueue';

export interface TieredCacheOptions {
  memory: MemoryTier;
  /** Shared by a team; optional. */
  redis?: Store<Uint8Array>;
  /** Embedded by default (private to this process) or a remote server (shared). */
  surreal?: Store<Uint8Array>;
  /** True when the SurrealDB tier is a server other instances use too, so their invalidations already reached it. */
  surrealShared?: boolean;
  codec: ValueCodec;
  layers: Record<Layer, LayerPolicy>;
  writeMode?: WriteMode;
  /** Default: the `writeBehind.*` settings' defaults (configKeys.ts), as are the three below. */
  writeBehind?: { flushIntervalMs: number; maxBatch: number };
  /** Per-operation timeout of a shared tier before it counts as failing. */
  tierTimeoutMs?: number;
  breaker?: { threshold: number; cooldownMs: number };
  /** Carries invalidations to other instances (Redis pub/sub). */
  bus?: InvalidationBus;
  clock?: Clock;
  /** Identifies this instance on the bus; random by default. */
  instanceId?: string;
  /**
   * Each layer's check of the values it reads back as bytes (from Redis, SurrealDB, a write still queued, or a
   * shared-tier hit promoted into memory): a value of the wrong shape, which another build or anyone who can
   * write to Redis may have stored, is a miss and is deleted from the tier that held it. A layer without a check
   * takes any value that decodes. The engine passes LAYER_VALUE_SCHEMAS (layerValueSchemas/).
   */
  layerValues?: Partial<Record<Layer, ValueShapeCheck>>;
  /** Where a refused value is reported: once per entry, at warn. */
  logger?: Logger;
}

export interface GetOrComputeOptions<T = unknown> {
  /** Overrides the layer's TTL for a value computed now. */
  ttlMs?: number;
  status?: LookupStatus;
  /**
   * Whether a stored value still holds (e.g. a context snapshot whose files did not change). A stored value
   * that fails it counts as a miss and is replaced by a fresh computation.
   */
  validate?: (value: T) => boolean | Promise<boolean>;
  /**
   * Whether a value computed now may go to the shared tiers (Redis, SurrealDB); false, or a function of the value
   * answering false, keeps it in this process's memory only (a prompt holding a secret). Default true.
   */
  sharedTiers?: boolean | ((value: T) => boolean);
  /**
   * True when `compute` already stored its value (a cross-instance flight holder makes its answer readable in
   * Redis before others may read it; a joiner read it from there): the value is then not written a second time.
   */
  storedByCompute?: () => boolean;
  /**
   * A narrower check than the layer's for this lookup (the context layer holds both snapshots and run manifests):
   * a value from any tier that fails it is treated like one of the wrong shape for its layer.
   */
  shape?: ValueShapeCheck;
}

export interface CacheHit<T> {
  value: T;
  tier: Tier;
  expiresAt: number;
}

export interface TierReport {
  /** Observed health: what the last operation on the tier did (see TierHealthTracker). */
  status: TierStatus;
  /** Why the tier is degraded or down; absent while it is up or off. */
  reason?: string;
  hits: number;
  misses: number;
  errors: number;
  evictions: number;
  entries: number;
  bytes: number;
  latency: StatsSnapshot['tiers'][Tier]['latency'];
}

export interface CacheReport {
  layers: Record<Layer, { hits: number; misses: number; hitRate: number; computations: number; entries: number; bytes: number; budgetBytes: number }>;
  tiers: Record<Tier, TierReport>;
}

export interface MemoryLayerReport {
  entries: number;
  bytes: number;
  budgetBytes: number;
  /** Entries pushed out to stay within the budget, since this process started. */
  evictions: number;
}

interface Resolved {
  value: unknown;
  source: Tier | 'compute';
}

const NO_REMOVALS = (): Record<Tier, number> => ({ memory: 0, redis: 0, surreal: 0 });

/**
 * The tiered cache: every layer reads memory, then Redis, then SurrealDB, promotes a hit into the faster tiers
 * with its remaining TTL, and on a miss computes once (single-flight) and writes through or behind. Shared tiers
 * that fail are skipped behind circuit breakers, so a call only fails when its own computation does.
 */
export class TieredCache {
  readonly events = new TypedEmitter<CacheEvents>();
  readonly stats = new CacheStats();
  readonly instanceId: string;

  private readonly memory: MemoryTier;
  private readonly remotes: GuardedTier[] = [];
  private readonly guarded = new Map<RemoteTier, GuardedTier>();
  private readonly codec: ValueCodec;
  private readonly clock: Clock;
  private readonly flights = new SingleFlight<Resolved>();
  private readonly writeBehind: WriteBehindQueue | undefined;
  private readonly background = new Set<Promise<unknown>>();
  private readonly surrealShared: boolean;
  private policies: Record<Layer, LayerPolicy>;
  /** Bumped by every invalidation of a layer, so a value computed across one is not stored. */
  private readonly epochs: Record<Layer, number> = { prompt: 0, module: 0, context: 0, result: 0 };
  /** Timeout for operations that scan a tier (invalidation, listings, sizes): rare, and must not be cut short. */
  private readonly scanTimeoutMs: number;
  private busSubscription: Unsubscribe | undefined;
  private readonly layerValues: Partial<Record<Layer, ValueShapeCheck>>;
  private readonly logger: Logger;
  /** Entries already reported as refused, so an entry planted again and again is logged once. */
  private readonly refusalsLogged = new Set<string>();
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: TieredCacheOptions) {
    this.memory = options.memory;
    this.codec = options.codec;
    this.clock = options.clock ?? systemClock;
    this.policies = { ...options.layers };
    this.instanceId = options.instanceId ?? randomUUID();
    this.surrealShared = options.surrealShared ?? false;
    this.layerValues = { ...options.layerValues };
    this.logger = options.logger ?? silentLogger;
    // Defaults from the one place settings are defined (configKeys.ts), so a cache built without them behaves as
    // the extension does.
    const defaults = DEFAULT_CONFIG;
    this.scanTimeoutMs = Math.max(5_000, (options.tierTimeoutMs ?? defaults.tiers.timeoutMs) * 20);
    const guardOptions = (tier: RemoteTier) => ({
      timeoutMs: options.tierTimeoutMs ?? defaults.tiers.timeoutMs,
      breakerThreshold: options.breaker?.threshold ?? defaults.tiers.breakerThreshold,
      breakerCooldownMs: options.breaker?.cooldownMs ?? defaults.tiers.breakerCooldownMs,
      clock: this.clock,
      stats: this.stats,
      onStatus: (status: TierStatus) => this.events.emit('tierStatus', { tier, status }),
      onError: (operation: string, error: Error) => this.events.emit('tierError', { tier, operation, error }),
      onHealth: (health: TierHealth) => this.events.emit('tierHealth', { tier, ...health }),
    });
    if (options.redis) this.addRemote(new GuardedTier('redis', options.redis, guardOptions('redis')));
    if (options.surreal) this.addRemote(new GuardedTier('surreal', options.surreal, guardOptions('surreal')));
    if ((options.writeMode ?? 'write-through') === 'write-behind' && this.remotes.length > 0) {
      this.writeBehind = new WriteBehindQueue({
        flushIntervalMs: options.writeBehind?.flushIntervalMs ?? defaults.writeBehind.flushIntervalMs,
        maxBatch: options.writeBehind?.maxBatch ?? defaults.writeBehind.maxBatch,
        flush: (writes) => this.flushWrites(writes),
      });
    }
  }

  /** Builds the cache and, when a bus is given, subscribes to other instances' invalidations. */
  static async create(options: TieredCacheOptions): Promise<TieredCache> {
    const cache = new TieredCache(options);
    if (options.bus) {
      try {
        cache.busSubscription = await options.bus.subscribe((message) => cache.onRemoteInvalidation(message));
      } catch (error) {
        // Without the bus the cache still works; other instances' copies then live until their TTL.
        cache.events.emit('tierError', { tier: 'redis', operation: 'subscribe', error: asError(error) });
      }
    }
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
    if (tier === 'memory') return 'up';
    return this.guarded.get(tier)?.status ?? 'off';
  }

  /** What the last operation on `tier` showed (stats and views); tierStatus is the breaker's routing view. */
  tierHealth(tier: Tier): TierHealth {
    if (tier === 'memory') return { status: 'up' };
    return this.guarded.get(tier)?.health ?? { status: 'off' };
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
    let cached = this.valueOf(layer, key, record, options?.status);
    if (cached !== NOT_FOUND && options?.shape !== undefined) {
      cached = this.narrowMemoryValue(layer, key, cached, options.shape, options.status);
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
    const value = this.valueOf(layer, key, record);
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
    let value = this.valueOf(layer, key, record);
    if (value !== NOT_FOUND && options?.shape !== undefined) value = this.narrowMemoryValue(layer, key, value, options.shape);
    if (record !== undefined && value !== NOT_FOUND) {
      if (counted) this.countHit(layer, 'memory', key);
      return { value: value as T, tier: 'memory', expiresAt: record.expiresAt };
    }
    assertSafeKey(key);
    const found = await this.readShared(layer, key, options?.shape);
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
    return this.store(layer, key, value, ttlMs, this.epochs[layer], options?.status, shared, options?.writeThrough === true);
  }

  /** Bulk read for warming: results in the order of `keys`, each read through the tiers like `get`. */
  async getMany<T>(layer: Layer, keys: readonly string[]): Promise<Array<T | undefined>> {
    if (this.closed) throw new CacheClosedError('the cache is closed');
    const results = new Array<T | undefined>(keys.length).fill(undefined);
    let missing: number[] = [];
    keys.forEach((key, index) => {
      assertSafeKey(key);
      const record = this.memory.getSync(layer, key);
      const value = this.valueOf(layer, key, record);
      if (value === NOT_FOUND) missing.push(index);
      else {
        results[index] = value as T;
        this.countHit(layer, 'memory', key);
      }
    });
    for (const remote of this.remotes) {
      if (missing.length === 0) break;
      const wanted = missing.map((index) => keys[index] as string);
      const records = await remote.call('getMany', (store) => store.getMany(layer, wanted));
      if (records === SKIPPED) continue;
      const stillMissing: number[] = [];
      records.forEach((record, position) => {
        const index = missing[position] as number;
        const key = keys[index] as string;
        const value = record ? this.acceptOrDrop(remote, layer, key, record.value, record.expiresAt) : NOT_FOUND;
        if (record === undefined || value === NOT_FOUND) {
          this.stats.tiers[remote.tier].misses += 1;
          stillMissing.push(index);
          return;
        }
        results[index] = value as T;
        this.promote(layer, key, record.value, record.expiresAt, remote.tier);
        this.countHit(layer, remote.tier, key);
      });
      missing = stillMissing;
    }
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
      await Promise.all(this.remotes.map((remote) => this.writeRemote(remote, layer, writes)));
    }
    return writes.length;
  }

  /** Removes one entry from every tier and tells other instances. */
  async invalidate(layer: Layer, key: string): Promise<InvalidationEvent> {
    assertSafeKey(key);
    return this.applyInvalidation({ origin: this.instanceId, kind: 'key', layer, key }, false);
  }

  async invalidateLayer(layer: Layer): Promise<InvalidationEvent> {
    return this.applyInvalidation({ origin: this.instanceId, kind: 'layer', layer }, false);
  }

  /** Removes every key the glob matches (`*` and `?` over the safe key space), in one layer or all of them. */
  async invalidatePattern(pattern: string, layer: Layer | null = null): Promise<InvalidationEvent> {
    assertSafePattern(pattern);
    return this.applyInvalidation({ origin: this.instanceId, kind: 'pattern', layer, pattern }, false);
  }

  /**
   * Empties one tier of one layer and leaves the others alone: to free memory, or to drop a tier's copies while
   * keeping the rest (the next read promotes them back). Not broadcast, since other instances' tiers are theirs.
   */
  async clearTier(layer: Layer, tier: Tier): Promise<InvalidationEvent> {
    const removed = NO_REMOVALS();
    const unreachable: Tier[] = [];
    if (tier === 'memory') {
      removed.memory = await this.memory.clear(layer);
    } else {
      // Queued writes would refill the tier right after; send them first so the tier ends up empty.
      await this.writeBehind?.drain();
      const remote = this.guarded.get(tier);
      const count = remote ? await remote.call('clear', (store) => store.clear(layer), this.scanTimeoutMs) : 0;
      if (count === SKIPPED) unreachable.push(tier);
      else removed[tier] = count;
    }
    const event: InvalidationEvent = { scope: 'layer', layer, removed, unreachable, remote: false };
    this.events.emit('invalidated', event);
    return event;
  }

  async invalidateAll(): Promise<InvalidationEvent> {
    return this.applyInvalidation({ origin: this.instanceId, kind: 'all' }, false);
  }

  /** The newest entries of a layer in one tier, for the tree view. */
  async entries(layer: Layer, tier: Tier, limit: number): Promise<EntryInfo[]> {
    if (tier === 'memory') return this.memory.entries(layer, limit);
    const remote = this.guarded.get(tier);
    if (!remote) return [];
    const result = await remote.call('entries', (store) => store.entries(layer, limit), this.scanTimeoutMs);
    return result === SKIPPED ? [] : result;
  }

  /** Counters, tier health and sizes; sizes of a failing tier read as 0. */
  async report(): Promise<CacheReport> {
    const snapshot = this.stats.snapshot();
    const usage = async (tier: Tier, layer: Layer): Promise<StoreUsage> => {
      if (tier === 'memory') return this.memory.usage(layer);
      const remote = this.guarded.get(tier);
      if (!remote) return { entries: 0, bytes: 0 };
      const result = await remote.call('usage', (store) => store.usage(layer), this.scanTimeoutMs);
      return result === SKIPPED ? { entries: 0, bytes: 0 } : result;
    };
    const perTier = await Promise.all(
      TIERS.map(async (tier) => Promise.all(LAYERS.map((layer) => usage(tier, layer)))),
    );
    const layers = {} as CacheReport['layers'];
    LAYERS.forEach((layer, layerIndex) => {
      const counters = snapshot.layers[layer];
      const memoryUsage = perTier[0]?.[layerIndex] ?? { entries: 0, bytes: 0 };
      layers[layer] = {
        hits: counters.hits,
        misses: counters.misses,
        hitRate: hitRate(counters.hits, counters.misses),
        computations: counters.computations,
        entries: memoryUsage.entries,
        bytes: memoryUsage.bytes,
        budgetBytes: this.memory.budget(layer),
      };
    });
    const tiers = {} as CacheReport['tiers'];
    TIERS.forEach((tier, tierIndex) => {
      const counters = snapshot.tiers[tier];
      const sizes = perTier[tierIndex] ?? [];
      const health = this.tierHealth(tier);
      tiers[tier] = {
        status: health.status,
        ...(health.reason !== undefined ? { reason: health.reason } : {}),
        hits: counters.hits,
        misses: counters.misses,
        errors: counters.errors,
        evictions: tier === 'memory' ? LAYERS.reduce((sum, layer) => sum + this.memory.evictions(layer), 0) : counters.evictions,
        entries: sizes.reduce((sum, u) => sum + u.entries, 0),
        bytes: sizes.reduce((sum, u) => sum + u.bytes, 0),
        latency: counters.latency,
      };
    });
    return { layers, tiers };
  }

  /** The memory tier's figures per layer, without asking the shared tiers: cheap enough for every metrics scrape. */
  async memoryReport(): Promise<Record<Layer, MemoryLayerReport>> {
    const report = {} as Record<Layer, MemoryLayerReport>;
    for (const layer of LAYERS) {
      const usage = await this.memory.usage(layer);
      report[layer] = { ...usage, budgetBytes: this.memory.budget(layer), evictions: this.memory.evictions(layer) };
    }
    return report;
  }

  /** Sends queued write-behind writes now. */
  async flush(): Promise<void> {
    await this.writeBehind?.drain();
    await Promise.allSettled([...this.background]);
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
    this.busSubscription?.();
    await this.options.bus?.close().catch(() => undefined);
    for (const remote of this.remotes) remote.dispose();
    await Promise.allSettled([this.memory.close(), ...this.remotes.map((remote) => remote.store.close())]);
    this.events.removeAll();
  }

  private addRemote(remote: GuardedTier): void {
    this.remotes.push(remote);
    this.guarded.set(remote.tier, remote);
  }

  private async resolveMiss(
    layer: Layer,
    key: string,
    compute: () => unknown,
    options: GetOrComputeOptions | undefined,
    memoryWasStale: boolean,
  ): Promise<Resolved> {
    // A stale memory copy was written through to the shared tiers too; reading them would find the same value.
    const found = memoryWasStale ? undefined : await this.readShared(layer, key, options?.shape, options?.status);
    if (found && (options?.validate === undefined || (await options.validate(found.value)))) {
      this.countHit(layer, found.tier, key);
      if (options?.status) options.status.source = found.tier;
      return { value: found.value, source: found.tier };
    }
    this.countMiss(layer, key);
    const epoch = this.epochs[layer];
    this.stats.layers[layer].computations += 1;
    const value = await compute();
    if (options?.status) options.status.source = 'compute';
    if (options?.storedByCompute?.()) return { value, source: 'compute' };
    const rule = options?.sharedTiers ?? true;
    const shared = typeof rule === 'function' ? rule(value) : rule;
    await this.store(layer, key, value, options?.ttlMs ?? this.policies[layer].ttlMs, epoch, options?.status, shared);
    return { value, source: 'compute' };
  }

  /**
   * Reads the queued write-behind value, then Redis, then SurrealDB; promotes what it finds. A value of the wrong
   * shape is deleted before the next tier is asked, so a value computed after this miss cannot be overtaken by
   * the deletion.
   */
  private async readShared(
    layer: Layer,
    key: string,
    shape?: ValueShapeCheck,
    status?: LookupStatus,
  ): Promise<CacheHit<unknown> | undefined> {
    const pending = this.writeBehind?.peek(layer, key);
    if (pending) {
      const expiresAt = pending.queuedAt + pending.ttlMs;
      const value = this.decodeOrDrop(undefined, layer, key, pending.value, expiresAt, status);
      const problem = value === NOT_FOUND ? undefined : this.shapeProblem(layer, value, shape);
      if (value !== NOT_FOUND && problem === undefined) {
        this.memory.setSync(layer, key, value, { ttlMs: expiresAt - this.clock.now(), size: pending.value.byteLength });
        return { value, tier: 'memory', expiresAt };
      }
      if (problem !== undefined) {
        this.refuse(layer, key, 'memory', problem, status, true);
        this.writeBehind?.discard((queued) => queued.layer === layer && queued.key === key);
      }
    }
    for (const remote of this.remotes) {
      const record = await remote.call('get', (store) => store.get(layer, key));
      if (record === SKIPPED || record === undefined) {
        this.stats.tiers[remote.tier].misses += 1;
        continue;
      }
      const value = this.decodeOrDrop(remote, layer, key, record.value, record.expiresAt, status);
      if (value === NOT_FOUND) {
        this.stats.tiers[remote.tier].misses += 1;
        continue;
      }
      const problem = this.shapeProblem(layer, value, shape);
      if (problem !== undefined) {
        this.refuse(layer, key, remote.tier, problem, status, true);
        await this.dropFrom(remote, layer, key);
        this.stats.tiers[remote.tier].misses += 1;
        continue;
      }
      this.promote(layer, key, record.value, record.expiresAt, remote.tier);
      return { value, tier: remote.tier, expiresAt: record.expiresAt };
    }
    return undefined;
  }

  /** What a memory record holds for a caller: its value (a promoted one decoded on first use), or NOT_FOUND. */
  private valueOf(layer: Layer, key: string, record: StoredRecord<unknown> | undefined, status?: LookupStatus): unknown {
    if (record === undefined) return NOT_FOUND;
    return record.value instanceof EncodedValue ? this.decodePromoted(layer, key, record, status) : record.value;
  }

  /**
   * The value of a promoted memory entry, decoded now and kept decoded in the record the memory tier holds;
   * NOT_FOUND when its bytes no longer decode (the codec changed, e.g. another encryption key) or decode to the
   * wrong shape for the layer, and the copy goes.
   */
  private decodePromoted(layer: Layer, key: string, record: StoredRecord<unknown>, status?: LookupStatus): unknown {
    let value: unknown;
    try {
      value = this.codec.decode((record.value as EncodedValue).bytes);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      this.refuse(layer, key, 'memory', error.message, status, false);
      this.memory.delete(layer, key).catch(() => undefined);
      return NOT_FOUND;
    }
    const problem = this.shapeProblem(layer, value, undefined);
    if (problem !== undefined) {
      this.refuse(layer, key, 'memory', problem, status, true);
      this.memory.delete(layer, key).catch(() => undefined);
      return NOT_FOUND;
    }
    record.value = value;
    return value;
  }

  /** A memory value a caller's own check refuses is dropped like one of the wrong shape; NOT_FOUND then. */
  private narrowMemoryValue(layer: Layer, key: string, value: unknown, shape: ValueShapeCheck, status?: LookupStatus): unknown {
    const problem = shape(value);
    if (problem === undefined) return value;
    this.refuse(layer, key, 'memory', problem, status, true);
    this.memory.delete(layer, key).catch(() => undefined);
    return NOT_FOUND;
  }

  /** Decodes stored bytes; expired or undecodable bytes are a miss, and undecodable ones are deleted. */
  private decodeOrDrop(
    remote: GuardedTier | undefined,
    layer: Layer,
    key: string,
    bytes: Uint8Array,
    expiresAt: number,
    status?: LookupStatus,
  ): unknown {
    if (expiresAt <= this.clock.now()) return NOT_FOUND;
    try {
      return this.codec.decode(bytes);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      this.refuse(layer, key, remote?.tier ?? 'memory', error.message, status, false);
      if (remote) void this.dropFrom(remote, layer, key);
      return NOT_FOUND;
    }
  }

  /** decodeOrDrop, then the layer's shape check: a value of the wrong shape is a miss too, deleted in the background. */
  private acceptOrDrop(remote: GuardedTier, layer: Layer, key: string, bytes: Uint8Array, expiresAt: number): unknown {
    const value = this.decodeOrDrop(remote, layer, key, bytes, expiresAt);
    if (value === NOT_FOUND) return NOT_FOUND;
    const problem = this.shapeProblem(layer, value, undefined);
    if (problem === undefined) return value;
    this.refuse(layer, key, remote.tier, problem, undefined, true);
    void this.dropFrom(remote, layer, key);
    return NOT_FOUND;
  }

  /** What is wrong with a value read back for `layer`: the layer's check first, then the caller's narrower one. */
  private shapeProblem(layer: Layer, value: unknown, shape: ValueShapeCheck | undefined): string | undefined {
    return this.layerValues[layer]?.(value) ?? shape?.(value);
  }

  /**
   * Counts and reports a stored value that was found but not used. A wrong shape is also logged at warn, once
   * per entry: it means another build, or someone who can write to the shared tier, stored something this build
   * cannot read, and an operator should know; undecodable bytes are routine after an encryption key change.
   */
  private refuse(layer: Layer, key: string, tier: Tier, reason: string, status: LookupStatus | undefined, wrongShape: boolean): void {
    this.stats.tiers[tier].corruptEntries += 1;
    this.events.emit('corrupt', { layer, key, tier, reason });
    if (status) (status.refused ??= []).push({ tier, reason });
    if (!wrongShape) return;
    const id = `${tier}\u0000${layer}\u0000${key}`;
    if (this.refusalsLogged.has(id)) return;
    // Bounded: a flood of planted keys must not grow this set without end (at worst an entry is logged again).
    if (this.refusalsLogged.size >= MAX_REFUSALS_REMEMBERED) this.refusalsLogged.clear();
    this.refusalsLogged.add(id);
    const shown = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
    this.logger.warn(`${tier} held a ${layer} value of the wrong shape under ${key} (${shown}); read as a miss and deleted`);
  }

  /** Deletes an entry a tier should not hold; never fails (the guarded call reports its own errors). */
  private dropFrom(remote: GuardedTier, layer: Layer, key: string): Promise<unknown> {
    const deletion = remote.call('delete', (store) => store.delete(layer, key));
    this.track(deletion);
    return deletion;
  }

  /**
   * Copies a shared-tier hit into the faster tiers with the TTL it has left. Memory gets the bytes, decoded on
   * their first memory hit (see EncodedValue); they are copied, as the store's may be a view into a larger buffer.
   */
  private promote(layer: Layer, key: string, bytes: Uint8Array, expiresAt: number, from: RemoteTier): void {
    const ttlMs = expiresAt - this.clock.now();
    if (ttlMs <= 0) return;
    this.memory.setSync(layer, key, new EncodedValue(ownCopy(bytes)), { ttlMs, size: bytes.byteLength });
    if (from !== 'surreal') return;
    const redis = this.guarded.get('redis');
    if (redis) this.track(redis.call('promote', (store) => store.set(layer, key, bytes, { ttlMs, size: bytes.byteLength })));
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
    if (epoch !== this.epochs[layer]) {
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
    await Promise.all(this.remotes.map((remote) => this.writeRemote(remote, layer, write)));
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

  private async writeRemote(remote: GuardedTier, layer: Layer, writes: StoreWrite<Uint8Array>[]): Promise<void> {
    const result =
      writes.length === 1
        ? await remote.call('set', (store) => {
            const [write] = writes as [StoreWrite<Uint8Array>];
            return store.set(layer, write.key, write.value, write);
          })
        : await remote.call('setMany', (store) => store.setMany(layer, writes));
    if (result !== SKIPPED) this.stats.tiers[remote.tier].writes += writes.length;
  }

  private async flushWrites(writes: PendingWrite[]): Promise<void> {
    const now = this.clock.now();
    const byLayer = new Map<Layer, StoreWrite<Uint8Array>[]>();
    for (const write of writes) {
      const ttlMs = write.queuedAt + write.ttlMs - now;
      if (ttlMs <= 0) continue;
      let list = byLayer.get(write.layer);
      if (!list) byLayer.set(write.layer, (list = []));
      list.push({ key: write.key, value: write.value, ttlMs, size: write.size ?? write.value.byteLength });
    }
    const jobs: Promise<void>[] = [];
    for (const [layer, list] of byLayer) {
      for (const remote of this.remotes) jobs.push(this.writeRemote(remote, layer, list));
    }
    await Promise.all(jobs);
  }

  private async applyInvalidation(message: InvalidationMessage, remote: boolean): Promise<InvalidationEvent> {
    const layers: readonly Layer[] = message.kind === 'all' || message.layer === null ? LAYERS : [message.layer];
    for (const layer of layers) this.epochs[layer] += 1;
    const matcher = invalidationMatcher(message);
    this.writeBehind?.discard((write) => layers.includes(write.layer) && matcher(write.key));
    const removed = NO_REMOVALS();
    const unreachable = new Set<Tier>();
    // A remote instance already cleared the shared tiers; we only drop what is private to this process.
    const tiers = this.remotes.filter((tier) => !remote || (tier.tier === 'surreal' && !this.surrealShared));
    await Promise.all([
      ...layers.map(async (layer) => {
        removed.memory += await removeFrom(this.memory, layer, message);
      }),
      ...tiers.flatMap((tier) =>
        layers.map(async (layer) => {
          const count = await tier.call('invalidate', (store) => removeFrom(store, layer, message), this.scanTimeoutMs);
          if (count === SKIPPED) unreachable.add(tier.tier);
          else removed[tier.tier] += count;
        }),
      ),
    ]);
    if (!remote && this.options.bus) {
      await this.options.bus.publish(message).catch((error: unknown) => {
        this.events.emit('tierError', { tier: 'redis', operation: 'publish', error: asError(error) });
      });
    }
    const event: InvalidationEvent = {
      scope: message.kind,
      layer: message.kind === 'all' ? null : message.layer,
      ...(message.kind === 'key' ? { key: message.key } : {}),
      ...(message.kind === 'pattern' ? { pattern: message.pattern } : {}),
      removed,
      unreachable: [...unreachable],
      remote,
    };
    this.events.emit('invalidated', event);
    return event;
  }

  private onRemoteInvalidation(message: InvalidationMessage): void {
    if (message.origin === this.instanceId || this.closed) return;
    this.track(this.applyInvalidation(message, true));
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

  /** Keeps a fire-and-forget task visible to flush() and close(). */
  private track(task: Promise<unknown>): void {
    const guarded = task.catch(() => undefined);
    this.background.add(guarded);
    void guarded.finally(() => this.background.delete(guarded));
  }
}

const NOT_FOUND = Symbol('not-found');
/** Entries remembered as already reported refused; past this the memory starts over. */
const MAX_REFUSALS_REMEMBERED = 1_000;
/** Longest reason a warning quotes (a reason names a field, and a field name comes from the stored value). */
const MAX_REASON_CHARS = 300;

/** Bytes in a backing store of their own (allocUnsafeSlow: neither zero-filled first nor from the shared pool). */
function ownCopy(bytes: Uint8Array): Uint8Array {
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

function invalidationMatcher(message: InvalidationMessage): (key: string) => boolean {
  switch (message.kind) {
    case 'key':
      return (key) => key === message.key;
    case 'pattern': {
      const regex = globToRegExp(message.pattern);
      return (key) => regex.test(key);
    }
    default:
      return () => true;
  }
}

async function removeFrom<V>(store: Store<V>, layer: Layer, message: InvalidationMessage): Promise<number> {
  switch (message.kind) {
    case 'key':
      return (await store.delete(layer, message.key)) ? 1 : 0;
    case 'pattern':
      return store.deleteMatching(layer, message.pattern);
    default:
      return store.clear(layer);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
