import { decodeValue, encodeValue } from '../../src/core/codec';
import { LAYERS, type Layer } from '../../src/core/layers';
import { MemoryStore } from '../../src/core/stores/memory/memoryStore';
import { RedisInvalidationBus } from '../../src/core/stores/redis/redisInvalidationBus';
import { RedisStore } from '../../src/core/stores/redis/redisStore';
import type { Store } from '../../src/core/stores/store';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import type { LayerPolicy, WriteMode } from '../../src/core/tiered/tierTypes';
import { TieredCache } from '../../src/core/tiered/tieredCache';
import { redisBus, sharedTiers } from '../../test/helpers/sharedTiers';

export const HOUR_MS = 3_600_000;
export const MIB = 1024 * 1024;

export interface OurCacheOptions {
  redisUrl?: string;
  /** Every instance of one bench case uses its own prefix, so cases never read each other's keys. */
  keyPrefix?: string;
  surreal?: Store<Uint8Array>;
  memoryBudgetBytes?: number;
  writeMode?: WriteMode;
  withBus?: boolean;
  tierTimeoutMs?: number;
}

/** Our engine as the extension builds it (CacheEngine does the same wiring), over the tiers a case asks for. */
export interface OurCache {
  cache: TieredCache;
  memory: MemoryStore;
  redis: RedisStore | undefined;
  close(): Promise<void>;
}

export function layerPolicies(ttlMs = HOUR_MS, maxEntryBytes = 8 * MIB): Record<Layer, LayerPolicy> {
  const policies = {} as Record<Layer, LayerPolicy>;
  for (const layer of LAYERS) policies[layer] = { ttlMs, maxEntryBytes };
  return policies;
}

export function budgets(bytes: number): Record<Layer, number> {
  return { prompt: bytes, module: bytes, context: bytes, result: bytes };
}

export async function openOurCache(options: OurCacheOptions = {}): Promise<OurCache> {
  const memory = new MemoryStore({ budgets: budgets(options.memoryBudgetBytes ?? 256 * MIB) });
  const keyPrefix = options.keyPrefix ?? 'bench:';
  const redis = options.redisUrl ? await RedisStore.connect({ url: options.redisUrl, keyPrefix }) : undefined;
  const bus =
    options.withBus && options.redisUrl ? await RedisInvalidationBus.connect({ url: options.redisUrl, keyPrefix }) : undefined;
  const cache = await TieredCache.create({
    memory,
    shared: sharedTiers({ redis, surreal: options.surreal }),
    codec: { encode: encodeValue, decode: decodeValue },
    layers: layerPolicies(),
    writeMode: options.writeMode ?? 'write-through',
    writeBehind: { flushIntervalMs: 200, maxBatch: 256 },
    tierTimeoutMs: options.tierTimeoutMs ?? 2_000,
    bus: redisBus(bus),
  });
  return { cache, memory, redis, close: () => cache.close() };
}

/** Opens an embedded SurrealDB store in `dir` (surrealkv), the way the engine does by default. */
export async function openSurrealStore(dir: string): Promise<SurrealStore> {
  return SurrealStore.open({ url: `surrealkv://${dir}`, namespace: 'bench', database: 'bench', cleanupIntervalMs: 0 });
}

/** A store the bench shares between caches: closing a cache leaves it open; `reallyClose` ends it. */
export function sharedStore(store: Store<Uint8Array>): Store<Uint8Array> {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'close') return async () => undefined;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
