import type { Unsubscribe } from '../events';
import type { Layer } from '../layers';
import type { EntryInfo, SetOptions, Store, StoredRecord, StoreUsage, StoreWrite } from '../stores/store';
import type { RemoteTier } from '../tiered/tierTypes';
import type { ObserverSet } from './observerSet';

/**
 * A shared-tier store that reports each read (hit, miss or failure, with its latency) to the engine's observers.
 * Wrapping the store keeps the tiered cache's code untouched, and the memory tier is never wrapped, so memory
 * hits pay nothing. With no observer subscribed a read is passed straight through, untimed.
 */
export class ObservedStore implements Store<Uint8Array> {
  readonly onReady?: (listener: () => void) => Unsubscribe;
  readonly opening?: () => Promise<unknown> | undefined;

  constructor(
    private readonly inner: Store<Uint8Array>,
    private readonly observers: ObserverSet,
  ) {
    const onReady = inner.onReady;
    if (onReady) this.onReady = (listener) => onReady.call(inner, listener);
    const opening = inner.opening;
    if (opening) this.opening = () => opening.call(inner);
  }

  get tier(): RemoteTier {
    return this.inner.tier as RemoteTier;
  }

  async get(layer: Layer, key: string): Promise<StoredRecord<Uint8Array> | undefined> {
    if (!this.observers.active) return this.inner.get(layer, key);
    const started = process.hrtime.bigint();
    try {
      const record = await this.inner.get(layer, key);
      this.report(layer, key, record === undefined ? 'miss' : 'hit', started);
      return record;
    } catch (error) {
      this.report(layer, key, 'error', started);
      throw error;
    }
  }

  async getMany(layer: Layer, keys: readonly string[]): Promise<Array<StoredRecord<Uint8Array> | undefined>> {
    if (!this.observers.active) return this.inner.getMany(layer, keys);
    const started = process.hrtime.bigint();
    try {
      const records = await this.inner.getMany(layer, keys);
      // One round trip answers every key, so each key is reported with the batch's latency.
      keys.forEach((key, index) => this.report(layer, key, records[index] === undefined ? 'miss' : 'hit', started));
      return records;
    } catch (error) {
      for (const key of keys) this.report(layer, key, 'error', started);
      throw error;
    }
  }

  set(layer: Layer, key: string, value: Uint8Array, options: SetOptions): Promise<void> {
    return this.inner.set(layer, key, value, options);
  }

  setMany(layer: Layer, writes: readonly StoreWrite<Uint8Array>[]): Promise<void> {
    return this.inner.setMany(layer, writes);
  }

  has(layer: Layer, key: string): Promise<boolean> {
    return this.inner.has(layer, key);
  }

  delete(layer: Layer, key: string): Promise<boolean> {
    return this.inner.delete(layer, key);
  }

  deleteMatching(layer: Layer, pattern: string): Promise<number> {
    return this.inner.deleteMatching(layer, pattern);
  }

  clear(layer: Layer): Promise<number> {
    return this.inner.clear(layer);
  }

  keys(layer: Layer, options?: { pattern?: string; limit?: number }): Promise<string[]> {
    return this.inner.keys(layer, options);
  }

  entries(layer: Layer, limit: number): Promise<EntryInfo[]> {
    return this.inner.entries(layer, limit);
  }

  usage(layer: Layer): Promise<StoreUsage> {
    return this.inner.usage(layer);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private report(layer: Layer, key: string, outcome: 'hit' | 'miss' | 'error', started: bigint): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.observers.tierRead({ layer, tier: this.tier, key, outcome, seconds });
  }
}
