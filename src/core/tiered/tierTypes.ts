import type { Layer, Tier, TierStatus } from '../layers';
import type { SetOptions, Store, StoredRecord } from '../stores/store';

/**
 * Why a value read from a tier cannot be used because its shape is wrong (`42` where an answer belongs, a
 * field of the wrong type), or undefined when it has the shape its readers need. See layerValueSchemas/.
 */
export type ValueShapeCheck = (value: unknown) => string | undefined;

/** A stored value a lookup found but could not use, and dropped: where it was, and why. */
export interface RefusedValue {
  tier: Tier;
  /** The codec's complaint, or what is wrong with the value's shape. */
  reason: string;
}

/** Turns values into bytes for the shared tiers and back; `decode` throws CodecError for bytes it did not write. */
export interface ValueCodec {
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/** The memory tier adds a synchronous path so a memory hit costs no promise of its own. */
export interface MemoryTier extends Store<unknown> {
  getSync(layer: Layer, key: string): StoredRecord<unknown> | undefined;
  setSync(layer: Layer, key: string, value: unknown, options: SetOptions): void;
  /** Entries pushed out of the layer to stay within its budget. */
  evictions(layer: Layer): number;
  /** The layer's byte budget. */
  budget(layer: Layer): number;
  /** Applies new byte budgets at once, evicting what no longer fits. */
  resize(budgets: Record<Layer, number>): void;
}

export type RemoteTier = Exclude<Tier, 'memory'>;

export interface LayerPolicy {
  /** Time to live of a new entry, in milliseconds. */
  ttlMs: number;
  /** Largest encoded value the layer stores; a larger one is returned to the caller but not cached. */
  maxEntryBytes: number;
}

export type WriteMode = 'write-through' | 'write-behind';

/** Where a value came from, lru-cache style: filled in by the cache when the caller passes one. */
export interface LookupStatus {
  /** The tier that answered, `compute` when the value was computed, `joined` when another caller's run was shared. */
  source?: Tier | 'compute' | 'joined';
  /** For a joined caller: where the shared run got its value. */
  sharedSource?: Tier | 'compute';
  /** Set when the value was computed but not stored (too large, or invalidated while it was computed). */
  notStoredReason?: 'too-large' | 'invalidated';
  /** Set when the value was stored in this process's memory only, kept from the shared tiers by policy. */
  memoryOnly?: boolean;
  /** Stored values this lookup found but could not use (undecodable, or of the wrong shape): misses, now deleted. */
  refused?: RefusedValue[];
}

export interface CacheEvents extends Record<string, unknown> {
  hit: { layer: Layer; key: string; tier: Tier };
  miss: { layer: Layer; key: string };
  set: { layer: Layer; key: string; size: number };
  invalidated: InvalidationEvent;
  tierStatus: { tier: Tier; status: TierStatus };
  /** What the last operation on a shared tier showed changed (up, or degraded / down with the reason). */
  tierHealth: { tier: Tier; status: TierStatus; reason?: string };
  tierError: { tier: Tier; operation: string; error: Error };
  /** A stored value was dropped as a miss: its bytes did not decode, or it decoded to the wrong shape. */
  corrupt: { layer: Layer; key: string; tier: Tier; reason: string };
  tooLarge: { layer: Layer; key: string; size: number; limit: number };
  evicted: { layer: Layer; key: string; reason: string };
}

export interface InvalidationEvent {
  scope: 'key' | 'layer' | 'pattern' | 'all';
  layer: Layer | null;
  key?: string;
  pattern?: string;
  /** Entries removed per tier (tiers that were skipped or are off count 0). */
  removed: Record<Tier, number>;
  /**
   * Tiers the invalidation could not reach (failing or skipped behind their breaker): they may still hold what
   * was meant to go, so adapters say so instead of reporting success.
   */
  unreachable: Tier[];
  /** True when another instance asked for it through the invalidation bus. */
  remote: boolean;
}
