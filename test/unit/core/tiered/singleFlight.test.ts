import assert from 'node:assert/strict';
import { SingleFlight } from '../../../../src/core/tiered/singleFlight';
import { deferred } from '../../../helpers/deferred';

describe('SingleFlight', () => {
  it('runs the work once for concurrent callers of one key', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    let release!: (value: number) => void;
    const gate = new Promise<number>((resolve) => (release = resolve));
    const calls = Array.from({ length: 1000 }, () =>
      flight.run('k', () => {
        runs += 1;
        return gate;
      }),
    );
    assert.equal(calls.filter((call) => !call.joined).length, 1);
    release(42);
    const values = await Promise.all(calls.map((call) => call.promise));
    assert.equal(runs, 1);
    assert.ok(values.every((value) => value === 42));
    assert.equal(flight.size, 0);
  });

  it('keeps keys apart', async () => {
    const flight = new SingleFlight<string>();
    const a = flight.run('a', async () => 'A');
    const b = flight.run('b', async () => 'B');
    assert.equal(a.joined || b.joined, false);
    assert.deepEqual(await Promise.all([a.promise, b.promise]), ['A', 'B']);
  });

  it('forgets a failed run so the next caller retries', async () => {
    const flight = new SingleFlight<number>();
    const failed = flight.run('k', async () => {
      throw new Error('boom');
    });
    const joined = flight.run('k', async () => 1);
    assert.equal(joined.joined, true);
    await assert.rejects(failed.promise, /boom/);
    await assert.rejects(joined.promise, /boom/);
    assert.equal(flight.has('k'), false);
    const retry = flight.run('k', async () => 7);
    assert.equal(retry.joined, false);
    assert.equal(await retry.promise, 7);
  });

  it('settles once every run under way has finished', async () => {
    const flight = new SingleFlight<number>();
    const slowRun = deferred<void>();
    let finished = 0;
    let settled = false;
    flight.run('a', async () => {
      await slowRun.promise;
      finished += 1;
      return 1;
    });
    void flight.run('b', async () => {
      finished += 1;
      throw new Error('x');
    }).promise.catch(() => undefined);
    const allSettled = flight.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual([finished, settled], [1, false], 'the run still under way holds it');
    slowRun.resolve();
    await allSettled;
    assert.equal(finished, 2);
  });
});
