import assert from 'node:assert/strict';
import { ManualClock } from '../../../../../src/core/clock';
import { reapAbandonedEngine } from '../../../../../src/core/stores/surreal/abandonedEngineReaper';

describe('reapAbandonedEngine', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock();
  });

  it('closes the engine again and again for the time given, then stops, whatever close() does', () => {
    let closes = 0;
    reapAbandonedEngine(
      {
        close: () => {
          closes += 1;
          return closes % 2 === 0 ? Promise.reject(new Error('not open')) : Promise.resolve();
        },
      },
      { everyMs: 5, forMs: 20, timers: clock },
    );
    clock.advance(4);
    assert.equal(closes, 0, 'the first close comes after everyMs');
    clock.advance(1);
    assert.equal(closes, 1);
    clock.advance(60);
    assert.equal(closes, 4, 'forMs / everyMs closes, no more');
    assert.equal(clock.pendingTimers, 0, 'the timer is gone');
  });

  it('can be stopped early', () => {
    let closes = 0;
    const stop = reapAbandonedEngine({ close: async () => void (closes += 1) }, { everyMs: 5, forMs: 10_000, timers: clock });
    clock.advance(5);
    assert.equal(closes, 1);
    stop();
    clock.advance(10_000);
    assert.equal(closes, 1);
    assert.equal(clock.pendingTimers, 0);
  });
});
