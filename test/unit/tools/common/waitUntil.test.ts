import assert from 'node:assert/strict';
import { waitUntil } from '../../../../tools/common/waitUntil';

describe('waitUntil', () => {
  it('returns the first defined value', async () => {
    let calls = 0;
    const value = await waitUntil(async () => (++calls === 3 ? 'ready' : undefined), {
      what: 'three calls',
      timeoutMs: 10_000,
      intervalMs: 1,
    });
    assert.equal(value, 'ready');
    assert.equal(calls, 3);
  });

  it('keeps trying after a probe throws', async () => {
    let calls = 0;
    const value = await waitUntil(
      async () => {
        if (++calls < 2) throw new Error('not yet');
        return calls;
      },
      { what: 'a recovering probe', timeoutMs: 10_000, intervalMs: 1 },
    );
    assert.equal(value, 2);
  });

  it('times out naming what it waited for and the last error', async () => {
    await assert.rejects(
      waitUntil(
        async () => {
          throw new Error('connection refused');
        },
        { what: 'the server', timeoutMs: 0, intervalMs: 1 },
      ),
      /timed out after 0 ms waiting for the server \(last error: connection refused\)/,
    );
  });

  it('gives up as soon as abandon gives a reason', async () => {
    let calls = 0;
    await assert.rejects(
      waitUntil(async () => void calls++, {
        what: 'the server',
        timeoutMs: 60_000,
        abandon: () => 'it exited (1)',
      }),
      /gave up waiting for the server: it exited \(1\)/,
    );
    assert.equal(calls, 0);
  });
});
