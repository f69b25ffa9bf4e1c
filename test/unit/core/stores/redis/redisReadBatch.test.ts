import assert from 'node:assert/strict';
import { MAX_BATCH_KEYS, RedisReadBatch, type BatchedReads } from '../../../../../src/core/stores/redis/redisReadBatch';

/** A Redis stand-in that records every command it is sent and answers from a map. */
class RecordingReads implements BatchedReads {
  readonly sent: Array<{ command: 'GET' | 'MGET'; keys: string[] }> = [];
  failNext: Error | undefined;

  constructor(private readonly data: Map<string, Buffer>) {}

  async one(key: string): Promise<Buffer | null> {
    this.sent.push({ command: 'GET', keys: [key] });
    return this.answer([key])[0] ?? null;
  }

  async many(keys: string[]): Promise<Array<Buffer | null>> {
    this.sent.push({ command: 'MGET', keys: [...keys] });
    return this.answer(keys);
  }

  private answer(keys: string[]): Array<Buffer | null> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    return keys.map((key) => this.data.get(key) ?? null);
  }
}

function text(reply: Buffer | null): string | null {
  return reply === null ? null : reply.toString();
}

describe('RedisReadBatch', () => {
  const data = new Map(['a', 'b', 'c'].map((key) => [key, Buffer.from(`value of ${key}`)]));

  it('sends a lone read as a plain GET', async () => {
    const reads = new RecordingReads(data);
    const batch = new RedisReadBatch(reads);
    assert.equal(text(await batch.get('a')), 'value of a');
    assert.equal(await batch.get('missing'), null);
    assert.deepEqual(reads.sent, [
      { command: 'GET', keys: ['a'] },
      { command: 'GET', keys: ['missing'] },
    ]);
  });

  it('sends the reads of one tick as one MGET and gives each caller its own reply', async () => {
    const reads = new RecordingReads(data);
    const batch = new RedisReadBatch(reads);
    const replies = await Promise.all(['c', 'missing', 'a', 'b'].map((key) => batch.get(key)));
    assert.deepEqual(replies.map(text), ['value of c', null, 'value of a', 'value of b']);
    assert.deepEqual(reads.sent, [{ command: 'MGET', keys: ['c', 'missing', 'a', 'b'] }]);
  });

  it('splits a burst larger than one MGET may carry', async () => {
    const reads = new RecordingReads(data);
    const batch = new RedisReadBatch(reads);
    const keys = Array.from({ length: MAX_BATCH_KEYS * 2 + 1 }, (_, i) => (i % 2 === 0 ? 'a' : 'missing'));
    const replies = await Promise.all(keys.map((key) => batch.get(key)));
    assert.deepEqual(replies.map(text), keys.map((key) => (key === 'a' ? 'value of a' : null)));
    assert.deepEqual(
      reads.sent.map((sent) => [sent.command, sent.keys.length]),
      [
        ['MGET', MAX_BATCH_KEYS],
        ['MGET', MAX_BATCH_KEYS],
        ['GET', 1],
      ],
    );
  });

  it('rejects every read of a failed batch with its error, and the next batch is sent afresh', async () => {
    const reads = new RecordingReads(data);
    const batch = new RedisReadBatch(reads);
    reads.failNext = new Error('connection reset');
    const failed = await Promise.allSettled([batch.get('a'), batch.get('b')]);
    assert.deepEqual(
      failed.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as Error).message : 'fulfilled')),
      ['connection reset', 'connection reset'],
    );
    assert.deepEqual((await Promise.all([batch.get('a'), batch.get('b')])).map(text), ['value of a', 'value of b']);
  });

  it('starts a new batch for reads issued after the previous one was sent', async () => {
    const reads = new RecordingReads(data);
    const batch = new RedisReadBatch(reads);
    const first = batch.get('a');
    await new Promise<void>((resolve) => process.nextTick(resolve));
    const second = batch.get('b');
    assert.deepEqual((await Promise.all([first, second])).map(text), ['value of a', 'value of b']);
    assert.deepEqual(reads.sent, [
      { command: 'GET', keys: ['a'] },
      { command: 'GET', keys: ['b'] },
    ]);
  });
});
