import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ManualClock } from '../../../../src/core/clock';
import {
  FlightLock,
  FlightLockUnavailableError,
  FlightSignals,
  flightLockKey,
  openRedisFlight,
  SharedFlight,
  type FlightCommands,
  type FlightSubscriber,
  type SharedWork,
} from '../../../../src/core/flight';

import { deferred } from '../../../helpers/deferred';
/** Redis's SET NX PX, the two Lua scripts and PUBLISH, over a map whose expiry follows a ManualClock. */
class FakeLockRedis implements FlightCommands {
  readonly values = new Map<string, { value: string; expiresAt: number }>();
  readonly published: Array<{ channel: string; message: string }> = [];
  failing = false;
  stalled = false;
  subscriber: FakeSubscriber | undefined;

  constructor(readonly clock: ManualClock) {}

  private live(key: string) {
    const entry = this.values.get(key);
    if (entry && entry.expiresAt <= this.clock.now()) this.values.delete(key);
    return this.values.get(key);
  }

  private async answer<T>(reply: () => T): Promise<T> {
    if (this.stalled) return new Promise<T>(() => undefined);
    if (this.failing) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
    return reply();
  }

  set(key: string, value: string, _mode: 'PX', ttlMs: number, _condition: 'NX'): Promise<'OK' | null> {
    return this.answer(() => {
      if (this.live(key)) return null;
      this.values.set(key, { value, expiresAt: this.clock.now() + ttlMs });
      return 'OK' as const;
    });
  }

  eval(script: string, _keys: number, ...args: Array<string | number>): Promise<unknown> {
    return this.answer(() => {
      const [key, token, ttl] = args.map(String) as [string, string, string | undefined];
      const entry = this.live(key);
      if (!entry || entry.value !== token) return 0;
      if (script.includes("'del'")) this.values.delete(key);
      else entry.expiresAt = this.clock.now() + Number(ttl);
      return 1;
    });
  }

  publish(channel: string, message: string): Promise<number> {
    return this.answer(() => {
      this.published.push({ channel, message });
      this.subscriber?.deliver(channel, message);
      return 1;
    });
  }

  duplicate(): FakeSubscriber {
    this.subscriber = new FakeSubscriber();
    return this.subscriber;
  }
}

class FakeSubscriber extends EventEmitter implements FlightSubscriber {
  readonly channels = new Set<string>();
  connected = false;
  async connect(): Promise<void> {
    this.connected = true;
  }
  disconnect(): void {
    this.connected = false;
  }
  async subscribe(channel: string): Promise<number> {
    this.channels.add(channel);
    return this.channels.size;
  }
  async unsubscribe(channel: string): Promise<number> {
    this.channels.delete(channel);
    return this.channels.size;
  }
  deliver(channel: string, message: string): void {
    if (this.channels.has(channel)) this.emit('message', channel, message);
  }
}

/** A shared tier of one entry: what the holder shares, the waiters read. */
function sharedEntry() {
  let stored: string | undefined;
  let computations = 0;
  const work = (compute: () => Promise<string>, shareable = true): SharedWork<string> => ({
    compute: async () => {
      computations += 1;
      return compute();
    },
    read: async () => stored,
    share: async (value) => {
      if (!shareable) return false;
      stored = value;
      return true;
    },
  });
  return {
    work,
    get computations() {
      return computations;
    },
    put(value: string) {
      stored = value;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FlightLock', () => {
  let clock: ManualClock;
  let redis: FakeLockRedis;
  let lock: FlightLock;

  beforeEach(() => {
    clock = new ManualClock();
    redis = new FakeLockRedis(clock);
    lock = new FlightLock(redis, { ttlMs: 1_000, commandTimeoutMs: 50, timers: clock });
  });

  it('gives the lock to one holder at a time, each with its own token', async () => {
    const first = await lock.acquire('k');
    assert.ok(first);
    assert.equal(await lock.acquire('k'), undefined);
    assert.equal(redis.values.get('k')?.value, first.token);
  });

  it('frees the lock on release, so the next caller gets it', async () => {
    const first = await lock.acquire('k');
    assert.equal(await first?.release(), true);
    const second = await lock.acquire('k');
    assert.ok(second);
    assert.notEqual(second.token, first?.token);
  });

  it('lets a lock whose holder died expire', async () => {
    assert.ok(await lock.acquire('k'));
    clock.advance(999);
    assert.equal(await lock.acquire('k'), undefined);
    clock.advance(1);
    assert.ok(await lock.acquire('k'));
  });

  it('renews only its own lock: a renewed lock outlives its first TTL', async () => {
    const lease = await lock.acquire('k');
    clock.advance(900);
    assert.equal(await lease?.renew(), true);
    clock.advance(900);
    assert.equal(await lock.acquire('k'), undefined, 'still held after the first TTL');
  });

  it('never releases or renews a lock another holder took over after expiry', async () => {
    const stale = await lock.acquire('k');
    clock.advance(1_000);
    const current = await lock.acquire('k');
    assert.ok(current);
    assert.equal(await stale?.release(), false);
    assert.equal(await stale?.renew(), false);
    assert.equal(redis.values.get('k')?.value, current.token, 'the new holder keeps its lock');
  });

  it('says Redis is unavailable when a command fails or does not answer in time', async () => {
    redis.failing = true;
    await assert.rejects(lock.acquire('k'), (error: unknown) => {
      assert.ok(error instanceof FlightLockUnavailableError);
      assert.equal(error.code, 'E_FLIGHT_LOCK_UNAVAILABLE');
      assert.match(error.message, /acquire: Stream isn't writeable/);
      return true;
    });
    redis.failing = false;
    redis.stalled = true;
    const stalled = lock.acquire('k');
    clock.advance(50);
    await assert.rejects(stalled, /no answer from Redis within 50 ms/);
  });
});

describe('FlightSignals', () => {
  it('wakes a listener at a message on its channel, and remembers one that came between waits', async () => {
    const subscriber = new FakeSubscriber();
    const signals = new FlightSignals(subscriber);
    const listening = await signals.listen('c');
    assert.ok(subscriber.channels.has('c'));
    const woke = listening.next(60_000);
    subscriber.deliver('c', 'done');
    await woke;
    subscriber.deliver('c', 'done');
    await listening.next(60_000);
    listening.stop();
    assert.equal(subscriber.channels.has('c'), false, 'the last listener unsubscribes');
  });

  it('keeps one subscription for several listeners, and wakes each at the poll interval without a subscriber', async () => {
    const subscriber = new FakeSubscriber();
    const signals = new FlightSignals(subscriber);
    const one = await signals.listen('c');
    const two = await signals.listen('c');
    one.stop();
    assert.ok(subscriber.channels.has('c'), 'still needed by the second listener');
    two.stop();
    const clock = new ManualClock();
    const polling = await new FlightSignals(undefined, clock).listen('c');
    let woke = false;
    const waited = polling.next(10).then(() => (woke = true));
    clock.advance(9);
    await tick();
    assert.equal(woke, false, 'not before the poll interval');
    clock.advance(1);
    await waited;
    polling.stop();
  });
});

describe('SharedFlight', () => {
  let clock: ManualClock;
  let redis: FakeLockRedis;

  function flight(options: { maxWaitMs?: number; available?: () => boolean } = {}) {
    const lock = new FlightLock(redis, { ttlMs: 1_000, commandTimeoutMs: 50, timers: clock });
    return new SharedFlight({ lock, commands: redis, subscriber: redis.subscriber, keyPrefix: 'p:', pollIntervalMs: 5, clock, timers: clock, ...options });
  }

  beforeEach(() => {
    clock = new ManualClock();
    redis = new FakeLockRedis(clock);
    redis.duplicate();
  });

  it('computes once: the holder shares its answer, a waiter on another instance reads it', async () => {
    const entry = sharedEntry();
    const answer = deferred<string>();
    const holder = flight().run('result', 'k', entry.work(() => answer.promise));
    await tick();
    const waiter = flight().run('result', 'k', entry.work(async () => 'paid again'));
    await tick();
    answer.resolve('the answer');
    assert.deepEqual(await holder, { value: 'the answer', joined: false });
    assert.deepEqual(await waiter, { value: 'the answer', joined: true });
    assert.equal(entry.computations, 1);
    assert.equal(redis.values.size, 0, 'the lock is released');
    assert.deepEqual(redis.published, [{ channel: `${flightLockKey('p:', 'result', 'k')}:done`, message: 'done' }]);
  });

  it('takes over when the holder fails, and the failure reaches only the holder', async () => {
    const entry = sharedEntry();
    const answer = deferred<string>();
    const holder = flight().run('result', 'k', entry.work(() => answer.promise));
    await tick();
    const waiter = flight().run('result', 'k', entry.work(async () => 'second try'));
    await tick();
    answer.reject(new Error('overloaded'));
    await assert.rejects(holder, /overloaded/);
    assert.deepEqual(await waiter, { value: 'second try', joined: false });
    assert.equal(entry.computations, 2);
  });

  it('takes over from a holder that died once its lock expires', async () => {
    const entry = sharedEntry();
    await redis.set(flightLockKey('p:', 'result', 'k'), 'dead holder', 'PX', 1_000, 'NX');
    const waiter = flight().run('result', 'k', entry.work(async () => 'taken over'));
    for (let poll = 0; poll < 4; poll++) {
      clock.advance(5);
      await tick();
    }
    assert.equal(entry.computations, 0, 'waits while the lock lives, polling');
    clock.advance(1_000);
    assert.deepEqual(await waiter, { value: 'taken over', joined: false });
    assert.equal(entry.computations, 1);
  });

  it('serves an answer that landed just before it took the lock, without computing', async () => {
    const entry = sharedEntry();
    entry.put('already there');
    assert.deepEqual(await flight().run('result', 'k', entry.work(async () => 'paid')), { value: 'already there', joined: true });
    assert.equal(entry.computations, 0);
    assert.equal(redis.values.size, 0);
  });

  it('lets waiters compute their own answer when the holder keeps its answer private', async () => {
    const entry = sharedEntry();
    const answer = deferred<string>();
    const holder = flight().run('result', 'k', entry.work(() => answer.promise, false));
    await tick();
    const waiter = flight().run('result', 'k', entry.work(async () => 'own answer', false));
    await tick();
    answer.resolve('private');
    assert.equal((await holder).value, 'private');
    assert.deepEqual(await waiter, { value: 'own answer', joined: false });
  });

  it('computes without the lock when Redis fails, stalls or is known to be down', async () => {
    const entry = sharedEntry();
    redis.failing = true;
    assert.deepEqual(await flight().run('result', 'k', entry.work(async () => 'alone')), { value: 'alone', joined: false });
    redis.failing = false;
    redis.stalled = true;
    const past = flight().run('result', 'k', entry.work(async () => 'alone'));
    clock.advance(50);
    assert.equal((await past).value, 'alone', 'past the lock command timeout');
    redis.stalled = false;
    assert.equal((await flight({ available: () => false }).run('result', 'k', entry.work(async () => 'alone'))).value, 'alone');
    assert.equal(redis.values.size, 0, 'no lock was taken while Redis was down');
    assert.equal(entry.computations, 3);
  });

  it('stops waiting after maxWaitMs and computes itself', async () => {
    const entry = sharedEntry();
    await redis.set(flightLockKey('p:', 'result', 'k'), 'slow holder', 'PX', 1_000, 'NX');
    const waiter = flight({ maxWaitMs: 500 }).run('result', 'k', entry.work(async () => 'gave up waiting'));
    await tick();
    clock.advance(500);
    assert.deepEqual(await waiter, { value: 'gave up waiting', joined: false });
  });

  it('keeps a long computation\'s lock alive by renewing it', async () => {
    const lock = new FlightLock(redis, { ttlMs: 30, commandTimeoutMs: 50, timers: clock });
    const shared = new SharedFlight({ lock, commands: redis, keyPrefix: 'p:', clock, timers: clock });
    const entry = sharedEntry();
    const answer = deferred<string>();
    const holder = shared.run('result', 'k', entry.work(() => answer.promise));
    const lockKey = flightLockKey('p:', 'result', 'k');
    await tick();
    const firstExpiry = redis.values.get(lockKey)?.expiresAt ?? 0;
    assert.ok(firstExpiry > 0, 'the holder took the lock');
    clock.advance(20);
    await tick();
    assert.ok((redis.values.get(lockKey)?.expiresAt ?? 0) > firstExpiry, 'renewed past its first expiry');
    clock.advance(60);
    await tick();
    assert.ok(redis.values.has(lockKey), 'still held three TTLs later');
    answer.resolve('done');
    await holder;
  });

  it('opens over a Redis connection with a subscriber connection of its own', async () => {
    const { flight: opened, close } = openRedisFlight(redis, { keyPrefix: 'p:', lockTtlMs: 1_000, pollIntervalMs: 5, maxWaitMs: 1_000, available: () => true, clock, timers: clock });
    await tick();
    assert.equal(redis.subscriber?.connected, true);
    assert.equal((await opened.run('result', 'k', sharedEntry().work(async () => 'v'))).value, 'v');
    close();
    assert.equal(redis.subscriber?.connected, false);
  });
});
