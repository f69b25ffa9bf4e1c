import type { Clock } from '../clock';
import { perTier, type Layer, type Tier, type TierStatus } from '../layers';
import type { EntryInfo, Store, StoreUsage, StoreWrite } from '../stores/store';
import type { CacheStats } from './cacheStats';
import { GuardedTier, SKIPPED, type Skipped } from './guardedTier';
import type { InvalidationMessage } from './invalidationBus';
import { removeFrom } from './invalidationScope';
import type { TierHealth } from './tierHealth';
import type { SharedTierEntry } from './tieredCacheOptions';
import type { RemoteTier } from './tierTypes';
import type { PendingWrite } from './writeBehindQueue';

export interface SharedTierStackOptions {
  timeoutMs: number;
  breaker: { threshold: number; cooldownMs: number };
  clock: Clock;
  stats: CacheStats;
  onStatus: (tier: RemoteTier, status: TierStatus) => void;
  onError: (tier: RemoteTier, operation: string, error: Error) => void;
  onHealth: (tier: RemoteTier, health: TierHealth) => void;
}

/** What an invalidation removed from the shared tiers, and which of them it could not reach. */
export interface SharedRemoval {
  removed: Record<Tier, number>;
  unreachable: Set<Tier>;
}

/**
 * The shared tiers of a cache, fastest first, each behind its own timeout and circuit breaker (GuardedTier). The
 * tiered cache walks this list; nothing here knows which backend a tier is.
 */
export class SharedTierStack {
  /** Fastest first. */
  readonly tiers: readonly GuardedTier[];
  private readonly byName = new Map<RemoteTier, GuardedTier>();
  /** Shared tiers other instances write too: a bus message's invalidation already reached them. */
  private readonly reachedByOthers = new Set<RemoteTier>();
  /** Timeout for operations that scan a tier (invalidation, listings, sizes): rare, and must not be cut short. */
  private readonly scanTimeoutMs: number;

  constructor(entries: readonly SharedTierEntry[], private readonly options: SharedTierStackOptions) {
    this.scanTimeoutMs = Math.max(5_000, options.timeoutMs * 20);
    this.tiers = entries.map((entry) => {
      const tier = entry.tier;
      const guarded = new GuardedTier(tier, entry.store, {
        timeoutMs: options.timeoutMs,
        breakerThreshold: options.breaker.threshold,
        breakerCooldownMs: options.breaker.cooldownMs,
        clock: options.clock,
        stats: options.stats,
        onStatus: (status) => options.onStatus(tier, status),
        onError: (operation, error) => options.onError(tier, operation, error),
        onHealth: (health) => options.onHealth(tier, health),
      });
      this.byName.set(tier, guarded);
      if (entry.sharedWithOthers) this.reachedByOthers.add(tier);
      return guarded;
    });
  }

  get isEmpty(): boolean {
    return this.tiers.length === 0;
  }

  get(tier: RemoteTier): GuardedTier | undefined {
    return this.byName.get(tier);
  }

  status(tier: RemoteTier): TierStatus {
    return this.byName.get(tier)?.status ?? 'off';
  }

  health(tier: RemoteTier): TierHealth {
    return this.byName.get(tier)?.health ?? { status: 'off' };
  }

  /** The tiers faster than `from`, fastest first: where a hit in `from` is copied. */
  fasterThan(from: RemoteTier): GuardedTier[] {
    const index = this.tiers.findIndex((tier) => tier.tier === from);
    return this.tiers.slice(0, index < 0 ? 0 : index);
  }

  /** Runs a scanning operation (sizes, listings, clearing) on one tier with the longer scan timeout. */
  scan<T>(tier: RemoteTier, operation: string, run: (store: Store<Uint8Array>) => Promise<T>): Promise<T | Skipped> {
    const guarded = this.byName.get(tier);
    if (!guarded) return Promise.resolve(SKIPPED);
    return guarded.call(operation, run, this.scanTimeoutMs);
  }

  async usage(tier: RemoteTier, layer: Layer): Promise<StoreUsage> {
    const result = await this.scan(tier, 'usage', (store) => store.usage(layer));
    return result === SKIPPED ? { entries: 0, bytes: 0 } : result;
  }

  async entries(tier: RemoteTier, layer: Layer, limit: number): Promise<EntryInfo[]> {
    const result = await this.scan(tier, 'entries', (store) => store.entries(layer, limit));
    return result === SKIPPED ? [] : result;
  }

  /** Deletes an entry a tier should not hold; never fails (the guarded call reports its own errors). */
  drop(tier: RemoteTier, layer: Layer, key: string): Promise<unknown> {
    const guarded = this.byName.get(tier);
    return guarded ? guarded.call('delete', (store) => store.delete(layer, key)) : Promise.resolve();
  }

  /** Writes to every shared tier (one pipeline or query per tier for several writes). */
  async writeAll(layer: Layer, writes: StoreWrite<Uint8Array>[]): Promise<void> {
    await Promise.all(this.tiers.map((tier) => this.write(tier, layer, writes)));
  }

  /** Sends write-behind writes still alive at `now`, grouped per layer, to every shared tier. */
  async flushWrites(writes: PendingWrite[], now: number): Promise<void> {
    const byLayer = new Map<Layer, StoreWrite<Uint8Array>[]>();
    for (const write of writes) {
      const ttlMs = write.queuedAt + write.ttlMs - now;
      if (ttlMs <= 0) continue;
      let list = byLayer.get(write.layer);
      if (!list) byLayer.set(write.layer, (list = []));
      list.push({ key: write.key, value: write.value, ttlMs, size: write.size ?? write.value.byteLength });
    }
    await Promise.all([...byLayer].map(([layer, list]) => this.writeAll(layer, list)));
  }

  /**
   * Removes what an invalidation names from the shared tiers. One that came over the bus (`fromBus`) skips the
   * tiers other instances share: the sender already cleared those, and only what is private to this process is left.
   */
  async invalidate(layers: readonly Layer[], message: InvalidationMessage, fromBus: boolean): Promise<SharedRemoval> {
    const removed = perTier(() => 0);
    const unreachable = new Set<Tier>();
    const tiers = this.tiers.filter((tier) => !fromBus || !this.reachedByOthers.has(tier.tier));
    await Promise.all(
      tiers.flatMap((tier) =>
        layers.map(async (layer) => {
          const count = await tier.call('invalidate', (store) => removeFrom(store, layer, message), this.scanTimeoutMs);
          if (count === SKIPPED) unreachable.add(tier.tier);
          else removed[tier.tier] += count;
        }),
      ),
    );
    return { removed, unreachable };
  }

  /** Stops watching reconnects and closes every store. */
  async close(): Promise<void> {
    for (const tier of this.tiers) tier.dispose();
    await Promise.allSettled(this.tiers.map((tier) => tier.store.close()));
  }

  private async write(tier: GuardedTier, layer: Layer, writes: StoreWrite<Uint8Array>[]): Promise<void> {
    const result =
      writes.length === 1
        ? await tier.call('set', (store) => {
            const [write] = writes as [StoreWrite<Uint8Array>];
            return store.set(layer, write.key, write.value, write);
          })
        : await tier.call('setMany', (store) => store.setMany(layer, writes));
    if (result !== SKIPPED) this.options.stats.tiers[tier.tier].writes += writes.length;
  }
}
