import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/core/clock';
import { systemTimers } from '../../../src/core/timers';

describe('ManualClock as timers', () => {
  let clock: ManualClock;
  let fired: string[];
  /** Sets a timeout that records its name and the time it saw. */
  const after = (ms: number, name: string, then: () => void = () => undefined) =>
    clock.setTimeout(() => {
      fired.push(`${name}@${clock.now()}`);
      then();
    }, ms);

  beforeEach(() => {
    clock = new ManualClock(1_000);
    fired = [];
  });

  it('fires nothing until moved, then the timers that fall due, in due order, each at its own time', () => {
    after(30, 'late');
    after(10, 'early');
    after(31, 'not yet');
    assert.deepEqual(fired, []);
    clock.advance(29);
    assert.deepEqual(fired, ['early@1010']);
    clock.advance(1);
    assert.deepEqual(fired, ['early@1010', 'late@1030']);
    assert.equal(clock.now(), 1_030);
    assert.equal(clock.pendingTimers, 1);
    clock.set(2_000);
    assert.deepEqual(fired.at(-1), 'not yet@1031');
    assert.equal(clock.now(), 2_000);
    assert.equal(clock.pendingTimers, 0);
  });

  it('fires timers due at the same time in the order they were set, and one set by a callback if it falls due', () => {
    after(5, 'a', () => after(5, 'chained'));
    after(5, 'b');
    after(20, 'c');
    clock.advance(10);
    assert.deepEqual(fired, ['a@1005', 'b@1005', 'chained@1010']);
  });

  it('runs a timeout set for less than 1 ms after 1 ms, as Node does', () => {
    after(0, 'zero');
    after(-5, 'negative');
    clock.advance(0);
    assert.deepEqual(fired, []);
    clock.advance(1);
    assert.deepEqual(fired, ['zero@1001', 'negative@1001']);
  });

  it('never fires a cleared timeout', () => {
    const cleared = after(10, 'cleared');
    after(10, 'kept');
    clock.clearTimeout(cleared);
    clock.clearTimeout(undefined);
    clock.advance(100);
    assert.deepEqual(fired, ['kept@1010']);
  });

  it('fires an interval every period until it is cleared, also from its own callback', () => {
    let ticks = 0;
    const interval = clock.setInterval(() => {
      ticks += 1;
      if (ticks === 3) clock.clearInterval(interval);
    }, 10);
    clock.advance(25);
    assert.equal(ticks, 2);
    clock.advance(1_000);
    assert.equal(ticks, 3);
    assert.equal(clock.pendingTimers, 0);
  });

  it('keeps a ref flag as Node timers do', () => {
    const timer = after(10, 't');
    assert.equal(timer.hasRef(), true);
    timer.unref();
    assert.equal(timer.hasRef(), false);
    timer.ref();
    assert.equal(timer.hasRef(), true);
  });
});

describe('systemTimers', () => {
  it("hands out Node's timers, which it can unref and clear, on a clock that never goes back", () => {
    let ran = false;
    const interval = systemTimers.setInterval(() => (ran = true), 60_000);
    interval.unref();
    assert.equal(interval.hasRef(), false);
    systemTimers.clearInterval(interval);
    const first = systemTimers.now();
    assert.ok(systemTimers.now() >= first);
    assert.equal(ran, false);
  });
});
