import assert from 'node:assert/strict';
import type { Layer } from '../../../../src/core/layers';
import { ObservedStore, ObserverSet, type TierRead } from '../../../../src/core/observe';
import type { EntryInfo, Store, StoredRecord } from '../../../../src/core/stores/store';

/** A Redis stand-in: a map, with a switch that makes reads fail like a lost connection. */
class MapStore implements Store<Uint8Array> {
  readonly tier = 'redis' as const;
  readonly records = new Map<string, StoredRecord<Uint8Array>>();
  failing = false;
  readyListeners: Array<() => void> = [];

  async get(layer: Layer, key: string): Promise<StoredRecord<Uint8Array> | undefined> {
    if (this.failing) throw new Error('connection lost');
    return this.records.get(`${layer}/${key}`);
  }
  async getMany(layer: Layer, keys: readonly string[]): Promise<Array<StoredRecord<Uint8Array> | undefined>> {
    if (this.failing) throw new Error('connection lost');
    return keys.map((key) => this.records.get(`${layer}/${key}`));
  }
  async set(layer: Layer, key: string, value: Uint8Array): Promise<void> {
    this.records.set(`${layer}/${key}`, { value, createdAt: 0, expiresAt: Number.MAX_SAFE_INTEGER });
  }
  async setMany(layer: Layer, writes: ReadonlyArray<{ key: string; value: Uint8Array }>): Promise<void> {
    for (const write of writes) await this.set(layer, write.key, write.value);
  }
  async has(layer: Layer, key: string): Promise<boolean> {
    return this.records.has(`${layer}/${key}`);
  }
  async delete(layer: Layer, key: string): Promise<boolean> {
    return this.records.delete(`${layer}/${key}`);
  }
  async deleteMatching(): Promise<number> {
    return 7;
  }
  async clear(): Promise<number> {
    const count = this.records.size;
    this.records.clear();
    return count;
  }
  async keys(): Promise<string[]> {
    return [...this.records.keys()];
  }
  async entries(): Promise<EntryInfo[]> {
    return [{ key: 'k', size: 1, createdAt: 0, expiresAt: 1 }];
  }
  async usage(): Promise<{ entries: number; bytes: number }> {
    return { entries: this.records.size, bytes: 3 };
  }
  async close(): Promise<void> {
    this.records.clear();
  }
  onReady(listener: () => void): () => void {
    this.readyListeners.push(listener);
    return () => undefined;
  }
}

describe('ObserverSet', () => {
  it('fans each observation out to every subscriber until it unsubscribes', () => {
    const observers = new ObserverSet();
    const seen: string[] = [];
    const stopA = observers.add({ upstreamCall: (call) => seen.push(`a:${call.model}`) });
    observers.add({ upstreamCall: (call) => seen.push(`b:${call.model}`) });
    const call = { model: 'm1', seconds: 1, outcome: 'ok' as const, costUsd: 0, providerCacheSavingUsd: 0 };
    observers.upstreamCall(call);
    stopA();
    observers.upstreamCall({ ...call, model: 'm2' });
    assert.deepEqual(seen, ['a:m1', 'b:m1', 'b:m2']);
  });

  it('is inactive without subscribers, so reporters can skip their timers', () => {
    const observers = new ObserverSet();
    assert.equal(observers.active, false);
    const stop = observers.add({});
    assert.equal(observers.active, true);
    stop();
    assert.equal(observers.active, false);
  });

  it('keeps notifying the others when one subscriber throws', () => {
    const observers = new ObserverSet();
    const runs: string[] = [];
    observers.add({
      runFinished: () => {
        throw new Error('view bug');
      },
    });
    observers.add({ runFinished: (result) => runs.push(result.workflow) });
    observers.runFinished({ workflow: 'review-file' } as Parameters<ObserverSet['runFinished']>[0]);
    assert.deepEqual(runs, ['review-file']);
  });
});

describe('ObservedStore', () => {
  function observed(): { inner: MapStore; store: ObservedStore; reads: TierRead[]; observers: ObserverSet } {
    const inner = new MapStore();
    const observers = new ObserverSet();
    const reads: TierRead[] = [];
    observers.add({ tierRead: (read) => reads.push(read) });
    return { inner, store: new ObservedStore(inner, observers), reads, observers };
  }

  it('reports each read of a shared tier as a hit or a miss with its latency', async () => {
    const { store, reads } = observed();
    await store.set('result', 'present', new Uint8Array([1]), { ttlMs: 1000 });
    assert.ok(await store.get('result', 'present'));
    assert.equal(await store.get('result', 'absent'), undefined);
    assert.deepEqual(
      reads.map(({ layer, tier, key, outcome }) => ({ layer, tier, key, outcome })),
      [
        { layer: 'result', tier: 'redis', key: 'present', outcome: 'hit' },
        { layer: 'result', tier: 'redis', key: 'absent', outcome: 'miss' },
      ],
    );
    for (const read of reads) assert.ok(read.seconds >= 0 && Number.isFinite(read.seconds));
  });

  it('reports every key of a batch read, and failures as errors that still reach the cache', async () => {
    const { inner, store, reads } = observed();
    await store.setMany('module', [{ key: 'a', value: new Uint8Array([1]), ttlMs: 1000 }]);
    const records = await store.getMany('module', ['a', 'b']);
    assert.equal(records.length, 2);
    inner.failing = true;
    await assert.rejects(store.get('module', 'a'), /connection lost/);
    await assert.rejects(store.getMany('module', ['a', 'b']), /connection lost/);
    assert.deepEqual(
      reads.map((read) => `${read.key}:${read.outcome}`),
      ['a:hit', 'b:miss', 'a:error', 'a:error', 'b:error'],
    );
  });

  it('passes reads straight through, unreported, when nobody observes', async () => {
    const inner = new MapStore();
    const store = new ObservedStore(inner, new ObserverSet());
    await inner.set('prompt', 'k', new Uint8Array([9]));
    assert.deepEqual((await store.get('prompt', 'k'))?.value, new Uint8Array([9]));
    assert.deepEqual((await store.getMany('prompt', ['k']))[0]?.value, new Uint8Array([9]));
  });

  it('forwards every other operation and the reconnect signal to the wrapped store', async () => {
    const { inner, store } = observed();
    assert.equal(store.tier, 'redis');
    await store.set('context', 'x', new Uint8Array([1]), { ttlMs: 10 });
    assert.equal(await store.has('context', 'x'), true);
    assert.deepEqual(await store.keys('context'), ['context/x']);
    assert.equal((await store.entries('context', 1)).length, 1);
    assert.deepEqual(await store.usage('context'), { entries: 1, bytes: 3 });
    assert.equal(await store.deleteMatching('context', '*'), 7);
    assert.equal(await store.delete('context', 'x'), true);
    assert.equal(await store.clear('context'), 0);
    let ready = 0;
    store.onReady?.(() => (ready += 1));
    for (const listener of inner.readyListeners) listener();
    assert.equal(ready, 1);
    await store.close();
  });

  it('has no reconnect signal when the wrapped store has none', () => {
    const inner = new MapStore();
    const bare: Store<Uint8Array> = { ...inner, tier: inner.tier, onReady: undefined } as unknown as Store<Uint8Array>;
    assert.equal(new ObservedStore(bare, new ObserverSet()).onReady, undefined);
  });
});
