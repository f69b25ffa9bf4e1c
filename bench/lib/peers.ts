import { EventEmitter } from 'node:events';
import KeyvRedis from '@keyv/redis';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { HOUR_MS } from './ourCache';

/**
 * The calls the bench makes on every library, in each library's own words. `get` resolves undefined on a miss
 * (BentoCache and cache-manager 7 both do), which is the miss check the hit figures rely on.
 */
export interface PeerCache {
  readonly name: string;
  getOrCompute<T>(key: string, compute: () => T | Promise<T>): Promise<T>;
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Drops everything under the case's prefix (our "layer"). */
  clear(): Promise<void>;
  close(): Promise<void>;
  /** Reports which tier answered each hit of `probe`, so a case can prove it measures the tier it names. */
  watchHits(listener: (tier: 'memory' | 'redis') => void): () => void;
  /** A read whose hit events name the right tier (BentoCache's get reports every hit as L1; getOrSet does not). */
  probe(key: string): Promise<unknown>;
}

export interface PeerOptions {
  redisUrl?: string;
  prefix: string;
  /** L1 budget: bytes where the library can count them, else entries. */
  memoryBudgetBytes: number;
  memoryEntries: number;
  withBus?: boolean;
  /** Receives BentoCache's events (e.g. `bus:message:received`). */
  emitter?: EventEmitter;
}

function redisConnection(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/**
 * BentoCache 1.6 as its multi-tier docs set it up: memory driver as L1, Redis driver as L2, Redis bus when
 * several instances share Redis. `serializeL1` is the memory driver's `serialize` option; off, L1 holds live
 * objects and can only be bounded by entry count.
 */
export function openBento(options: PeerOptions & { serializeL1: boolean }): PeerCache {
  const l1 = options.serializeL1
    ? memoryDriver({ maxSize: options.memoryBudgetBytes, maxItems: options.memoryEntries, serialize: true })
    : memoryDriver({ maxItems: options.memoryEntries, serialize: false });
  let store = bentostore().useL1Layer(l1);
  if (options.redisUrl) {
    const connection = redisConnection(options.redisUrl);
    store = store.useL2Layer(redisDriver({ connection }));
    if (options.withBus) store = store.useBus(redisBusDriver({ connection }));
  }
  // Each bench case gets its own prefix instead of a namespace: BentoCache 1.6's namespace() rebuilds its options
  // and drops serializeL1 = false (its L1 would then JSON.parse every hit), which would misrepresent it.
  const emitter = options.emitter ?? new EventEmitter();
  const bento = new BentoCache({ default: 'bench', prefix: `${options.prefix}result`, ttl: HOUR_MS, stores: { bench: store }, emitter });
  const cache = bento;
  return {
    name: options.serializeL1 ? 'BentoCache (serializeL1 on)' : 'BentoCache (serializeL1 off)',
    getOrCompute: (key, compute) => cache.getOrSet({ key, factory: compute }),
    get: (key) => cache.get({ key }),
    async set(key, value) {
      await cache.set({ key, value });
    },
    async delete(key) {
      await cache.delete({ key });
    },
    clear: () => cache.clear(),
    close: () => bento.disconnectAll(),
    probe: (key) =>
      cache.getOrSet({
        key,
        factory: () => {
          throw new Error(`probe of ${key} missed`);
        },
      }),
    watchHits(listener) {
      const onHit = (event: { layer?: string }) => listener(event.layer === 'l2' ? 'redis' : 'memory');
      emitter.on('cache:hit', onHit);
      return () => emitter.off('cache:hit', onHit);
    },
  };
}

/**
 * cache-manager 7 as its README sets up two tiers: Keyv's in-memory store, then a Keyv over @keyv/redis. Keyv's
 * default (JSON) serialization stays on, as documented. The README's lru-cache example does not work with
 * lru-cache 11 once a TTL is set (Keyv passes the TTL as a number where lru-cache 11 wants an options object, and
 * the set is dropped), and `cacheable` (its other suggestion) is not installed here, so the memory tier is Keyv's
 * default Map: unbounded, which only flatters it.
 */
export function openCacheManager(options: PeerOptions): PeerCache {
  const stores = [new Keyv({ namespace: 'result' })];
  if (options.redisUrl) {
    stores.push(new Keyv({ store: new KeyvRedis(options.redisUrl), namespace: `${options.prefix}result` }));
  }
  const cache = createCache({ stores, ttl: HOUR_MS });
  return {
    name: 'cache-manager',
    getOrCompute: (key, compute) => cache.wrap(key, async () => compute()),
    get: (key) => cache.get(key),
    async set(key, value) {
      await cache.set(key, value);
    },
    async delete(key) {
      await cache.del(key);
    },
    async clear() {
      await cache.clear();
    },
    async close() {
      await cache.disconnect();
    },
    probe: (key) => cache.get(key),
    watchHits(listener) {
      const onGet = (event: { store?: string; value?: unknown }) => {
        if (event.value !== undefined) listener(event.store === 'primary' ? 'memory' : 'redis');
      };
      cache.on('get', onGet);
      return () => cache.off('get', onGet);
    },
  };
}
