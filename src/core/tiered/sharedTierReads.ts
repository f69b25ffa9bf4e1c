import type { Clock } from '../clock';
import type { Layer, Tier } from '../layers';
import type { BackgroundTasks } from './backgroundTasks';
import type { CacheStats } from './cacheStats';
import { EncodedValue } from './encodedValue';
import { SKIPPED } from './guardedTier';
import type { SharedTierStack } from './sharedTierStack';
import type { CacheHit } from './tieredCacheOptions';
import type { LookupStatus, MemoryTier, RemoteTier, ValueShapeCheck } from './tierTypes';
import { NOT_FOUND, type ValueAdmission } from './valueAdmission';
import type { WriteBehindQueue } from './writeBehindQueue';

export interface SharedTierReadsOptions {
  memory: MemoryTier;
  shared: SharedTierStack;
  admission: ValueAdmission;
  stats: CacheStats;
  clock: Clock;
  writeBehind: WriteBehindQueue | undefined;
  background: BackgroundTasks;
}

/**
 * Reads past memory: a write still queued in this process, then each shared tier fastest first. A hit is copied
 * into every faster tier with the TTL it has left; a value that cannot be used is deleted where it was found.
 */
export class SharedTierReads {
  constructor(private readonly options: SharedTierReadsOptions) {}

  /**
   * The value for `key` from the queued writes or the first shared tier that holds a usable one. A value of the
   * wrong shape is deleted before the next tier is asked, so a value computed after this miss cannot be overtaken
   * by the deletion.
   */
  async read(layer: Layer, key: string, shape?: ValueShapeCheck, status?: LookupStatus): Promise<CacheHit<unknown> | undefined> {
    const { admission, stats } = this.options;
    const queued = this.readQueued(layer, key, shape, status);
    if (queued) return queued;
    for (const remote of this.options.shared.tiers) {
      const record = await remote.call('get', (store) => store.get(layer, key));
      if (record === SKIPPED || record === undefined) {
        stats.tiers[remote.tier].misses += 1;
        continue;
      }
      const value = admission.decode(remote.tier, layer, key, record.value, record.expiresAt, status);
      if (value === NOT_FOUND) {
        stats.tiers[remote.tier].misses += 1;
        continue;
      }
      const problem = admission.shapeProblem(layer, value, shape);
      if (problem !== undefined) {
        admission.refuse(layer, key, remote.tier, problem, status, true);
        await this.drop(remote.tier, layer, key);
        stats.tiers[remote.tier].misses += 1;
        continue;
      }
      this.promote(layer, key, record.value, record.expiresAt, remote.tier);
      return { value, tier: remote.tier, expiresAt: record.expiresAt };
    }
    return undefined;
  }

  /**
   * Bulk read of the keys at `missing` (indexes into `keys`) through the shared tiers, one batch per tier; fills
   * `results` and returns the indexes no tier held.
   */
  async readMany(
    layer: Layer,
    keys: readonly string[],
    missing: number[],
    results: unknown[],
    onHit: (tier: Tier, key: string) => void,
  ): Promise<number[]> {
    for (const remote of this.options.shared.tiers) {
      if (missing.length === 0) break;
      const wanted = missing.map((index) => keys[index] as string);
      const records = await remote.call('getMany', (store) => store.getMany(layer, wanted));
      if (records === SKIPPED) continue;
      const stillMissing: number[] = [];
      records.forEach((record, position) => {
        const index = missing[position] as number;
        const key = keys[index] as string;
        const value = record ? this.options.admission.accept(remote.tier, layer, key, record.value, record.expiresAt) : NOT_FOUND;
        if (record === undefined || value === NOT_FOUND) {
          this.options.stats.tiers[remote.tier].misses += 1;
          stillMissing.push(index);
          return;
        }
        results[index] = value;
        this.promote(layer, key, record.value, record.expiresAt, remote.tier);
        onHit(remote.tier, key);
      });
      missing = stillMissing;
    }
    return missing;
  }

  /** Deletes an entry a tier should not hold; never fails (the guarded call reports its own errors). */
  drop(tier: RemoteTier, layer: Layer, key: string): Promise<unknown> {
    const deletion = this.options.shared.drop(tier, layer, key);
    this.options.background.track(deletion);
    return deletion;
  }

  /** A value still queued for the shared tiers (write-behind) is as good as stored; it is copied into memory. */
  private readQueued(layer: Layer, key: string, shape: ValueShapeCheck | undefined, status: LookupStatus | undefined): CacheHit<unknown> | undefined {
    const { writeBehind, admission } = this.options;
    const pending = writeBehind?.peek(layer, key);
    if (!pending) return undefined;
    const expiresAt = pending.queuedAt + pending.ttlMs;
    const value = admission.decode(undefined, layer, key, pending.value, expiresAt, status);
    const problem = value === NOT_FOUND ? undefined : admission.shapeProblem(layer, value, shape);
    if (value !== NOT_FOUND && problem === undefined) {
      this.options.memory.setSync(layer, key, value, { ttlMs: expiresAt - this.options.clock.now(), size: pending.value.byteLength });
      return { value, tier: 'memory', expiresAt };
    }
    if (problem !== undefined) {
      admission.refuse(layer, key, 'memory', problem, status, true);
      writeBehind?.discard((queued) => queued.layer === layer && queued.key === key);
    }
    return undefined;
  }

  /**
   * Copies a shared-tier hit into the faster tiers with the TTL it has left. Memory gets the bytes, decoded on
   * their first memory hit (see EncodedValue); they are copied, as the store's may be a view into a larger buffer.
   */
  private promote(layer: Layer, key: string, bytes: Uint8Array, expiresAt: number, from: RemoteTier): void {
    const ttlMs = expiresAt - this.options.clock.now();
    if (ttlMs <= 0) return;
    this.options.memory.setSync(layer, key, new EncodedValue(ownCopy(bytes)), { ttlMs, size: bytes.byteLength });
    for (const faster of this.options.shared.fasterThan(from)) {
      this.options.background.track(faster.call('promote', (store) => store.set(layer, key, bytes, { ttlMs, size: bytes.byteLength })));
    }
  }
}

/** Bytes in a backing store of their own (allocUnsafeSlow: neither zero-filled first nor from the shared pool). */
function ownCopy(bytes: Uint8Array): Uint8Array {
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
