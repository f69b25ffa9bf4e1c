import type { Unsubscribe } from '../events';
import type { Layer, Tier } from '../layers';

/** What a store hands back for a key: the value and when it was written and expires, on the cache clock. */
export interface StoredRecord<V> {
  value: V;
  /** Milliseconds on the cache clock when the value was written. */
  createdAt: number;
  /** Milliseconds on the cache clock after which the value is gone. */
  expiresAt: number;
}

export interface SetOptions {
  /** Time to live in milliseconds from now (the store's clock); must be > 0. */
  ttlMs: number;
  /** Encoded size in bytes; the memory store budgets by it, the others measure their bytes themselves. */
  size?: number;
}

export interface StoreWrite<V> extends SetOptions {
  key: string;
  value: V;
}

/** One entry as the tree and `stats` describe it. */
export interface EntryInfo {
  key: string;
  size: number;
  createdAt: number;
  expiresAt: number;
  /** Reads since it was written, where the tier counts them (memory does; shared tiers do not). */
  hits?: number;
  /** True when the memory tier keeps it through LRU eviction because it is read often (pinning). */
  pinned?: boolean;
}

export interface StoreUsage {
  entries: number;
  bytes: number;
}

/**
 * The one contract every tier implements. Keys are already in the safe key space (see keys/safeKey.ts);
 * patterns are globs over that space with `*` and `?` only. A store never throws for a missing key; it throws
 * StoreError when its backend fails, and the tiered cache decides what that means.
 */
export interface Store<V> {
  readonly tier: Tier;

  get(layer: Layer, key: string): Promise<StoredRecord<V> | undefined>;
  /** Results in the order of `keys`. */
  getMany(layer: Layer, keys: readonly string[]): Promise<Array<StoredRecord<V> | undefined>>;
  set(layer: Layer, key: string, value: V, options: SetOptions): Promise<void>;
  setMany(layer: Layer, writes: readonly StoreWrite<V>[]): Promise<void>;
  has(layer: Layer, key: string): Promise<boolean>;
  /** True when something was deleted. */
  delete(layer: Layer, key: string): Promise<boolean>;
  /** Deletes every key of the layer the glob matches; returns how many. */
  deleteMatching(layer: Layer, pattern: string): Promise<number>;
  /** Deletes the whole layer; returns how many entries went. */
  clear(layer: Layer): Promise<number>;
  /** Keys of a layer, optionally filtered by a glob, at most `limit` of them. */
  keys(layer: Layer, options?: { pattern?: string; limit?: number }): Promise<string[]>;
  /** The most recently written entries of a layer, newest first. */
  entries(layer: Layer, limit: number): Promise<EntryInfo[]>;
  usage(layer: Layer): Promise<StoreUsage>;
  close(): Promise<void>;
  /**
   * Optional: calls `listener` whenever the backend becomes reachable again after an outage, so the tiered cache
   * can stop skipping it at once instead of waiting for its next probe.
   */
  onReady?(listener: () => void): Unsubscribe;
  /**
   * Optional: while the store is still opening its backend on first need (SurrealDB opened deferred), that
   * opening. The tiered cache lets the call waiting for it run past the per-operation timeout: starting the
   * engine takes longer than any read, and is bounded by its own connect timeout.
   */
  opening?(): Promise<unknown> | undefined;
}
