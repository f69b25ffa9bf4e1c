import assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/clock';
import { DeadlineRace } from '../../../../src/core/tiered/deadlineRace';
import { deferred } from '../../../helpers/deferred';

class TimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** Lets what a fired timer set off run: promise callbacks, not time. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('DeadlineRace', () => {
  let clock: ManualClock;
  let race: DeadlineRace;
  beforeEach(() => {
    clock = new ManualClock();
    race = new DeadlineRace((timeoutMs) => new TimedOut(timeoutMs), clock);
  });
  afterEach(() => race.dispose());

  it('passes through the value or the error of work that settles in time', async () => {
    assert.equal(await race.race(Promise.resolve('answer'), 1_000), 'answer');
    await assert.rejects(race.race(Promise.reject(new Error('refused')), 1_000), /refused/);
  });

  it('rejects work that does not settle in time with the timeout error, and ignores its later answer', async () => {
    const slow = deferred<string>();
    let settled = false;
    const raced = race.race(slow.promise, 20);
    void raced.catch(() => undefined).finally(() => (settled = true));
    clock.advance(19);
    await flush();
    assert.equal(settled, false, 'still within its time');
    clock.advance(1);
    await assert.rejects(raced, (error: unknown) => error instanceof TimedOut && error.timeoutMs === 20);
    slow.resolve('too late');
    assert.equal(race.waiting, 0);
  });

  it('times out only the calls that ran out of time, each against its own timeout', async () => {
    const stalled = deferred<string>();
    const scan = deferred<string>();
    const quick = deferred<string>();
    const outcomes = Promise.allSettled([race.race(stalled.promise, 20), race.race(scan.promise, 5_000), race.race(quick.promise, 20)]);
    quick.resolve('quick');
    await flush();
    clock.advance(60);
    scan.resolve('scan');
    const [first, second, third] = await outcomes;
    assert.equal(first?.status, 'rejected');
    assert.deepEqual([second, third], [
      { status: 'fulfilled', value: 'scan' },
      { status: 'fulfilled', value: 'quick' },
    ]);
    assert.equal(race.waiting, 0);
  });

  it('holds the process open only while a call waits', async () => {
    const pending = deferred<number>();
    const raced = race.race(pending.promise, 10_000);
    assert.equal(race.holdsProcess, true);
    pending.resolve(1);
    assert.equal(await raced, 1);
    assert.equal(race.holdsProcess, false);
    const again = deferred<number>();
    const second = race.race(again.promise, 10_000);
    assert.equal(race.holdsProcess, true, 'a new call holds it again');
    again.resolve(2);
    assert.equal(await second, 2);
  });

  it('forgets calls that settled out of order once the ones before them settle', async () => {
    const calls = Array.from({ length: 3000 }, () => deferred<number>());
    const raced = calls.map((call) => race.race(call.promise, 10_000));
    calls.forEach((call, index) => {
      if (index > 0) call.resolve(index);
    });
    await Promise.all(raced.slice(1));
    assert.equal(race.waiting, 3000, 'the unsettled first call keeps its followers queued');
    calls[0]?.resolve(0);
    await raced[0];
    assert.equal(race.waiting, 0);
  });

  it('sheds the settled front of a queue that never empties', async () => {
    const calls = Array.from({ length: 3000 }, () => deferred<number>());
    const raced = calls.map((call) => race.race(call.promise, 10_000));
    calls.slice(0, 2000).forEach((call, index) => call.resolve(index));
    await Promise.all(raced.slice(0, 2000));
    assert.equal(race.waiting, 1000);
    calls.slice(2000).forEach((call, index) => call.resolve(index));
    await Promise.all(raced);
    assert.equal(race.waiting, 0);
  });

  it('keeps timing out later calls after a queue was swept', async () => {
    const never = () => new Promise<never>(() => undefined);
    for (let round = 0; round < 2; round++) {
      const stalled = race.race(never(), 10);
      clock.advance(10);
      await assert.rejects(stalled, TimedOut);
    }
    const stalled = race.race(never(), 10);
    const answered = race.race(Promise.resolve('fine'), 10);
    assert.equal(await answered, 'fine');
    clock.advance(10);
    await assert.rejects(stalled, TimedOut);
  });
});
