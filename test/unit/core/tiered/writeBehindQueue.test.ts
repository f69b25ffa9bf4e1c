import assert from 'node:assert/strict';
import { WriteBehindQueue, type PendingWrite } from '../../../../src/core/tiered/writeBehindQueue';

function write(key: string, byte = 1, layer: PendingWrite['layer'] = 'result'): PendingWrite {
  return { layer, key, value: new Uint8Array([byte]), ttlMs: 1000, queuedAt: 0 };
}

describe('WriteBehindQueue', () => {
  it('keeps only the latest write of a key and sends batches in write order', async () => {
    const batches: string[][] = [];
    const queue = new WriteBehindQueue({
      flushIntervalMs: 60_000,
      maxBatch: 100,
      flush: async (writes) => void batches.push(writes.map((w) => `${w.key}=${w.value[0]}`)),
    });
    queue.enqueue(write('a', 1));
    queue.enqueue(write('b', 1));
    queue.enqueue(write('a', 2));
    assert.equal(queue.size, 2);
    assert.equal(queue.peek('result', 'a')?.value[0], 2);
    await queue.drain();
    assert.deepEqual(batches, [['b=1', 'a=2']]);
    assert.equal(queue.size, 0);
  });

  it('flushes early when a batch is full', async () => {
    let flushed = 0;
    const queue = new WriteBehindQueue({
      flushIntervalMs: 60_000,
      maxBatch: 3,
      flush: async (writes) => void (flushed += writes.length),
    });
    for (const key of ['a', 'b', 'c']) queue.enqueue(write(key));
    await queue.flushNow();
    assert.equal(flushed, 3);
  });

  it('flushes on its timer', async () => {
    let resolveFlush!: () => void;
    const flushed = new Promise<void>((resolve) => (resolveFlush = resolve));
    const queue = new WriteBehindQueue({ flushIntervalMs: 5, maxBatch: 100, flush: async () => resolveFlush() });
    queue.enqueue(write('a'));
    await flushed;
    assert.equal(queue.size, 0);
  });

  it('drops queued writes an invalidation covers', async () => {
    const sent: string[] = [];
    const queue = new WriteBehindQueue({
      flushIntervalMs: 60_000,
      maxBatch: 100,
      flush: async (writes) => void sent.push(...writes.map((w) => w.key)),
    });
    queue.enqueue(write('keep', 1, 'prompt'));
    queue.enqueue(write('drop', 1, 'result'));
    assert.equal(queue.discard((w) => w.layer === 'result'), 1);
    await queue.drain();
    assert.deepEqual(sent, ['keep']);
  });

  it('drains writes that arrive while a flush is running', async () => {
    const sent: string[] = [];
    let queue!: WriteBehindQueue;
    queue = new WriteBehindQueue({
      flushIntervalMs: 60_000,
      maxBatch: 100,
      flush: async (writes) => {
        sent.push(...writes.map((w) => w.key));
        if (writes[0]?.key === 'first') queue.enqueue(write('second'));
      },
    });
    queue.enqueue(write('first'));
    await queue.drain();
    assert.deepEqual(sent, ['first', 'second']);
  });
});
