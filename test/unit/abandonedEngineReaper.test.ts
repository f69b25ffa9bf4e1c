import assert from 'node:assert/strict';
import { reapAbandonedEngine } from '../../src/core/stores/surreal/abandonedEngineReaper';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('reapAbandonedEngine', () => {
  it('closes the engine again and again for the time given, then stops, whatever close() does', async () => {
    let closes = 0;
    reapAbandonedEngine(
      {
        close: () => {
          closes += 1;
          return closes % 2 === 0 ? Promise.reject(new Error('not open')) : Promise.resolve();
        },
      },
      { everyMs: 5, forMs: 20 },
    );
    while (closes < 4) await pause(5);
    await pause(40);
    assert.equal(closes, 4, 'forMs / everyMs closes, no more');
  });

  it('can be stopped early', async () => {
    let closes = 0;
    const stop = reapAbandonedEngine({ close: async () => void (closes += 1) }, { everyMs: 5, forMs: 10_000 });
    while (closes < 1) await pause(5);
    stop();
    const seen = closes;
    await pause(30);
    assert.equal(closes, seen);
  });
});
