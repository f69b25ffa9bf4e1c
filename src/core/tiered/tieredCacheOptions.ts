import type { Clock } from '../clock';
import type { Layer, Tier } from '../layers';
import type { Logger } from '../logger';
import type { Store } from '../stores/store';
import type { InvalidationBus } from './invalidationBus';
import type { LayerPolicy, LookupStatus, MemoryTier, RemoteTier, ValueCodec, ValueShapeCheck, WriteMode } from './tierTypes';

/** One shared tier of the stack. */
export interface SharedTierEntry {
  tier: RemoteTier;
  store: Store<Uint8Array>;
  /**
   * True when other instances read and write this same store (Redis, a SurrealDB server): an invalidation that
   * came over the bus already reached it, so only tiers private to this process are cleared for it.
   */
  sharedWithOthers?: boolean;
}

export interface TieredCacheOptions {
  memory: MemoryTier;
  /**
   * The shared tiers, fastest first (the engine builds this list from tiers/tierRegistry.ts): a lookup asks memory,
   * then each in turn, and a hit is copied into every faster tier.
   */
  shared?: readonly SharedTierEntry[];
  codec: ValueCodec;
  layers: Record<Layer, LayerPolicy>;
  writeMode?: WriteMode;
  /** Default: the `writeBehind.*` settings' defaults (configKeys.ts), as are the three below. */
  writeBehind?: { flushIntervalMs: number; maxBatch: number };
  /** Per-operation timeout of a shared tier before it counts as failing. */
  tierTimeoutMs?: number;
  breaker?: { threshold: number; cooldownMs: number };
  /** Carries invalidations to other instances (Redis pub/sub); its errors are reported against `tier`. */
  bus?: { bus: InvalidationBus; tier: RemoteTier };
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
