import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { ManualClock } from '../../src/core/clock';
import { CacheClosedError, StoreError, StoreTimeoutError } from '../../src/core/errors';
import { parseInvalidationMessage } from '../../src/core/stores/redis/parseInvalidationMessage';
import { FRAME_HEADER_BYTES, decodeFrame, decodeFrameHeader, encodeFrame } from '../../src/core/stores/redis/recordFrame';
import { RedisInvalidationBus } from '../../src/core/stores/redis/redisInvalidationBus';
import { RedisStore, type RedisStoreStatus } from '../../src/core/stores/redis/redisStore';
import type { InvalidationMessage } from '../../src/core/tiered/invalidationBus';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';

/** Polls until `check` holds; for outcomes that arrive over the network, never for timing. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RedisStore against a real redis-server', () => {
  let server: RedisServerHandle;
  let prefixes = 0;
  const open: Array<{ close(): Promise<void> }> = [];
  const prefix = (): string => `redis-test-${++prefixes}:`;

  async function connect(clock = new ManualClock(), extra: Partial<Parameters<typeof RedisStore.connect>[0]> = {}) {
    const store = await RedisStore.connect({
      url: server.url,
      keyPrefix: prefix(),
      clock,
      maxReconnectDelayMs: 200,
      ...extra,
    });
    open.push(store);
    return store;
  }

  before(async () => {
    server = await startRedisServer();
  });

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
  });

  after(async () => {
    await server?.stop();
  });

  it('stores records under `${keyPrefix}${layer}:${key}` with the TTL given to Redis as PX', async () => {
    const store = await connect();
    await store.set('module', 'k:1', Uint8Array.from([1, 2]), { ttlMs: 60_000 });
    const raw = await store.client.getBuffer(`${store.keyPrefix}module:k:1`);
    assert.equal(raw?.length, FRAME_HEADER_BYTES + 2);
    const pttl = await store.client.pttl(`${store.keyPrefix}module:k:1`);
    assert.ok(pttl > 0 && pttl <= 60_000, `pttl ${pttl}`);
  });

  it('reads a value whose header is malformed as absent, everywhere', async () => {
    const store = await connect();
    await store.client.set(`${store.keyPrefix}prompt:bad`, 'not a framed record');
    await store.client.set(`${store.keyPrefix}prompt:short`, Buffer.from([0xca]));
    assert.equal(await store.get('prompt', 'bad'), undefined);
    assert.deepEqual(await store.getMany('prompt', ['bad', 'short']), [undefined, undefined]);
    assert.equal(await store.has('prompt', 'bad'), false);
    assert.deepEqual(await store.keys('prompt'), []);
    assert.deepEqual(await store.usage('prompt'), { entries: 0, bytes: 0 });
  });

  it('never matches another prefix, even one that looks like a glob', async () => {
    const clock = new ManualClock();
    const globby = await RedisStore.connect({ url: server.url, keyPrefix: 'glob*[?]:', clock });
    const plain = await RedisStore.connect({ url: server.url, keyPrefix: 'globX[?]:', clock });
    open.push(globby, plain);
    await plain.set('result', 'k', Uint8Array.from([1]), { ttlMs: 60_000 });
    await globby.set('result', 'k', Uint8Array.from([2]), { ttlMs: 60_000 });
    assert.equal(await globby.clear('result'), 1);
    assert.ok(await plain.get('result', 'k'), 'the other prefix keeps its key');
    assert.deepEqual(await globby.keys('result'), []);
  });

  it('bounds keys(), entries() and usage() by scanLimit', async () => {
    const store = await connect(new ManualClock(), { scanLimit: 3 });
    await store.setMany(
      'context',
      ['a', 'b', 'c', 'd', 'e'].map((key) => ({ key, value: Uint8Array.from([1]), ttlMs: 60_000 })),
    );
    assert.equal((await store.usage('context')).entries, 3);
    assert.equal((await store.entries('context', 10)).length, 3);
    assert.equal((await store.keys('context')).length, 3);
  });

  it('rejects connect() with StoreError when no server answers', async () => {
    const gone = await startRedisServer();
    await gone.stop();
    await assert.rejects(
      RedisStore.connect({ url: gone.url, connectTimeoutMs: 500 }),
      (error: unknown) => error instanceof StoreError && /cannot connect/.test(error.message),
    );
  });

  it('fails fast while Redis is killed and recovers after a restart', async () => {
    const store = await connect();
    const statuses: RedisStoreStatus[] = [];
    store.events.on('status', (status) => statuses.push(status));
    await store.set('result', 'before', Uint8Array.from([1]), { ttlMs: 60_000 });
    assert.equal(store.status, 'ready');

    await server.kill();
    await eventually(() => store.status !== 'ready', 'the store notices the outage');
    await assert.rejects(store.get('result', 'before'), StoreError);
    await assert.rejects(store.set('result', 'during', Uint8Array.from([2]), { ttlMs: 60_000 }), StoreError);
    await assert.rejects(store.keys('result'), StoreError);
    await assert.rejects(store.getMany('result', ['before']), StoreError);
    await assert.rejects(store.has('result', 'before'), StoreError);
    await assert.rejects(store.delete('result', 'before'), StoreError);
    await assert.rejects(store.clear('result'), StoreError);
    const write = { key: 'k', value: Uint8Array.from([1]), ttlMs: 1_000 };
    await assert.rejects(store.setMany('result', [write]), StoreError);
    assert.ok(statuses.includes('down'));

    await server.restart();
    await eventually(() => store.status === 'ready', 'the store reconnects');
    assert.equal(statuses.at(-1), 'ready');
    // The server ran without persistence: the old value is gone, the store works again.
    assert.equal(await store.get('result', 'before'), undefined);
    await store.set('result', 'after', Uint8Array.from([3]), { ttlMs: 60_000 });
    assert.deepEqual([...((await store.get('result', 'after'))?.value ?? [])], [3]);
  });

  it('rejects with StoreTimeoutError when a stalled server stops answering, then reconnects', async () => {
    const store = await connect(new ManualClock(), { commandTimeoutMs: 200 });
    await store.set('prompt', 'k', Uint8Array.from([1]), { ttlMs: 60_000 });
    server.pause();
    try {
      await assert.rejects(store.get('prompt', 'k'), StoreTimeoutError);
    } finally {
      server.resume();
    }
    await eventually(() => store.status === 'ready', 'the store reconnects once the server answers');
    assert.ok(await store.get('prompt', 'k'));
  });

  it('create() starts without Redis, rejects commands quickly, and comes up with the server', async () => {
    const late = await startRedisServer();
    await late.stop();
    const store = RedisStore.create({ url: late.url, keyPrefix: prefix(), maxReconnectDelayMs: 100 });
    open.push(store);
    try {
      assert.notEqual(store.status, 'ready');
      await assert.rejects(store.get('prompt', 'k'), StoreError);
      await late.restart();
      await eventually(() => store.status === 'ready', 'the store connects once the server is up');
      await store.set('prompt', 'k', Uint8Array.from([9]), { ttlMs: 60_000 });
      assert.ok(await store.has('prompt', 'k'));
    } finally {
      await late.stop();
    }
  });

  it('reports closed stores as down and refuses their work with CacheClosedError', async () => {
    const store = await connect();
    await store.close();
    assert.equal(store.status, 'down');
    await assert.rejects(store.getMany('prompt', ['a']), CacheClosedError);
    await assert.rejects(store.deleteMatching('prompt', '*'), CacheClosedError);
  });

  describe('RedisInvalidationBus', () => {
    const buses: RedisInvalidationBus[] = [];
    const bus = async (keyPrefix: string) => {
      const created = await RedisInvalidationBus.connect({ url: server.url, keyPrefix, maxReconnectDelayMs: 200 });
      buses.push(created);
      return created;
    };

    afterEach(async () => {
      for (const created of buses.splice(0)) await created.close();
    });

    it('delivers a message from one connection to another sharing the prefix', async () => {
      const keyPrefix = prefix();
      const sender = await bus(keyPrefix);
      const receiver = await bus(keyPrefix);
      const stranger = await bus(prefix());
      const received: InvalidationMessage[] = [];
      const strangerReceived: InvalidationMessage[] = [];
      await receiver.subscribe((message) => received.push(message));
      await stranger.subscribe((message) => strangerReceived.push(message));
      const message: InvalidationMessage = { origin: 'a', kind: 'key', layer: 'result', key: 'res:k1' };
      await sender.publish(message);
      await eventually(() => received.length === 1, 'the message arrives');
      assert.deepEqual(received, [message]);
      assert.equal(sender.channel, `${keyPrefix}invalidations`);
      assert.deepEqual(strangerReceived, [], 'another prefix is another channel');
    });

    it('ignores malformed messages and still delivers the valid ones after them', async () => {
      const keyPrefix = prefix();
      const receiver = await bus(keyPrefix);
      const received: InvalidationMessage[] = [];
      await receiver.subscribe((message) => received.push(message));
      const raw = new Redis(server.url);
      try {
        for (const junk of [
          'not json',
          '42',
          JSON.stringify({ origin: 'x', kind: 'explode' }),
          JSON.stringify({ origin: 'x', kind: 'layer', layer: 'nope' }),
          JSON.stringify({ origin: 'x', kind: 'key', layer: 'prompt', key: 'bad key!' }),
          JSON.stringify({ kind: 'all' }),
        ]) {
          await raw.publish(receiver.channel, junk);
        }
        await raw.publish(receiver.channel, JSON.stringify({ origin: 'x', kind: 'all' }));
      } finally {
        raw.disconnect();
      }
      await eventually(() => received.length === 1, 'the valid message arrives');
      assert.deepEqual(received, [{ origin: 'x', kind: 'all' }]);
    });

    it('stops delivering to a handler once unsubscribed, and keeps a faulty handler from blocking others', async () => {
      const keyPrefix = prefix();
      const sender = await bus(keyPrefix);
      const receiver = await bus(keyPrefix);
      const first: InvalidationMessage[] = [];
      const second: InvalidationMessage[] = [];
      await receiver.subscribe(() => {
        throw new Error('faulty view');
      });
      const unsubscribe = await receiver.subscribe((message) => first.push(message));
      await receiver.subscribe((message) => second.push(message));
      await sender.publish({ origin: 'a', kind: 'layer', layer: 'module' });
      await eventually(() => first.length === 1 && second.length === 1, 'both handlers hear it');
      unsubscribe();
      await sender.publish({ origin: 'a', kind: 'layer', layer: 'context' });
      await eventually(() => second.length === 2, 'the remaining handler hears it');
      assert.equal(first.length, 1);
    });

    it('publishes through a borrowed store connection and leaves it open on close', async () => {
      const store = await connect();
      const borrowed = RedisInvalidationBus.forClient(store.client, { keyPrefix: store.keyPrefix });
      const receiver = await bus(store.keyPrefix);
      const received: InvalidationMessage[] = [];
      await receiver.subscribe((message) => received.push(message));
      await borrowed.publish({ origin: 'b', kind: 'pattern', layer: null, pattern: 'res:*' });
      await eventually(() => received.length === 1, 'the message arrives');
      await borrowed.close();
      assert.equal(store.status, 'ready');
      await assert.rejects(borrowed.publish({ origin: 'b', kind: 'all' }), CacheClosedError);
      await assert.rejects(borrowed.subscribe(() => undefined), CacheClosedError);
    });

    it('resubscribes after Redis restarts', async () => {
      const keyPrefix = prefix();
      const sender = await bus(keyPrefix);
      const receiver = await bus(keyPrefix);
      const received: InvalidationMessage[] = [];
      await receiver.subscribe((message) => received.push(message));
      await server.kill();
      await assert.rejects(sender.publish({ origin: 'a', kind: 'all' }), StoreError);
      await server.restart();
      await eventually(async () => {
        await sender.publish({ origin: 'a', kind: 'all' }).catch(() => undefined);
        return received.length > 0;
      }, 'a message published after the restart arrives');
    });

    it('subscribes once Redis comes up when it was down at start', async () => {
      const late = await startRedisServer();
      await late.stop();
      const keyPrefix = prefix();
      const receiver = await RedisInvalidationBus.connect({
        url: late.url,
        keyPrefix,
        maxReconnectDelayMs: 100,
        connectTimeoutMs: 300,
      });
      buses.push(receiver);
      const received: InvalidationMessage[] = [];
      await receiver.subscribe((message) => received.push(message));
      try {
        await late.restart();
        const sender = await RedisInvalidationBus.connect({ url: late.url, keyPrefix });
        buses.push(sender);
        await eventually(async () => {
          await sender.publish({ origin: 'late', kind: 'all' }).catch(() => undefined);
          return received.length > 0;
        }, 'the late subscription delivers');
      } finally {
        for (const created of buses.splice(0)) await created.close();
        await late.stop();
      }
    });
  });
});

describe('recordFrame', () => {
  it('round-trips value bytes and both timestamps', () => {
    const frame = encodeFrame(Uint8Array.from([5, 6]), 1_700_000_000_123, 1_700_000_060_123);
    assert.deepEqual(decodeFrameHeader(frame), { createdAt: 1_700_000_000_123, expiresAt: 1_700_000_060_123 });
    const record = decodeFrame(frame);
    assert.deepEqual([...(record?.value ?? [])], [5, 6]);
    assert.equal(record?.value.constructor, Uint8Array, 'a plain Uint8Array, like every store returns');
  });

  it('rejects frames with another magic byte, version, a short header or non-finite times', () => {
    const frame = encodeFrame(Uint8Array.from([1]), 1, 2);
    const otherMagic = Buffer.from(frame);
    otherMagic[0] = 0;
    const otherVersion = Buffer.from(frame);
    otherVersion[1] = 2;
    const notANumber = Buffer.from(frame);
    notANumber.writeDoubleBE(Number.NaN, 10);
    for (const bad of [otherMagic, otherVersion, frame.subarray(0, FRAME_HEADER_BYTES - 1), notANumber]) {
      assert.equal(decodeFrame(bad), undefined);
      assert.equal(decodeFrameHeader(bad), undefined);
    }
  });
});

describe('parseInvalidationMessage', () => {
  it('accepts each kind of message and keeps only its known fields', () => {
    assert.deepEqual(parseInvalidationMessage('{"origin":"o","kind":"all","extra":1}'), { origin: 'o', kind: 'all' });
    assert.deepEqual(parseInvalidationMessage('{"origin":"o","kind":"layer","layer":"prompt"}'), {
      origin: 'o',
      kind: 'layer',
      layer: 'prompt',
    });
    assert.deepEqual(parseInvalidationMessage('{"origin":"o","kind":"key","layer":"result","key":"a:b"}'), {
      origin: 'o',
      kind: 'key',
      layer: 'result',
      key: 'a:b',
    });
    assert.deepEqual(parseInvalidationMessage('{"origin":"o","kind":"pattern","layer":null,"pattern":"a:*"}'), {
      origin: 'o',
      kind: 'pattern',
      layer: null,
      pattern: 'a:*',
    });
  });

  it('refuses anything else', () => {
    for (const text of [
      '',
      'null',
      '"all"',
      '{"kind":"all"}',
      '{"origin":"","kind":"all"}',
      `{"origin":"${'o'.repeat(201)}","kind":"all"}`,
      '{"origin":"o","kind":"key","layer":"result","key":7}',
      '{"origin":"o","kind":"pattern","layer":"prompt","pattern":"a b"}',
      '{"origin":"o","kind":"pattern","layer":"nope","pattern":"a"}',
    ]) {
      assert.equal(parseInvalidationMessage(text), undefined, text);
    }
  });
});
