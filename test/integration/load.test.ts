import assert from 'node:assert/strict';
import { runTwoInstanceLoad, slope } from '../helpers/twoInstanceLoad';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';

/** CI runs the short form; `npm run bench` runs the same load for 60 s (section `load`). */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 4);
/**
 * Heap after a full collection may wander by a few hundred KiB (socket buffers, pending replies); a leak of even
 * 100 bytes per operation at this rate climbs by MiBs a second.
 */
const HEAP_SLOPE_LIMIT_MIB_PER_S = 1;

describe('load: two instances sharing one Redis', function () {
  this.timeout(SECONDS * 1000 + 60_000);
  let redis: RedisServerHandle;

  before(async () => {
    redis = await startRedisServer();
  });

  after(async () => {
    await redis.stop();
  });

  it(`holds mixed reads, writes and invalidations for ${SECONDS} s: 0 errors, memory in budget, heap flat, every invalidation seen`, async () => {
    const report = await runTwoInstanceLoad({ redisUrl: redis.url, seconds: SECONDS });
    process.stdout.write(
      `      load: ${report.ops} ops in ${report.seconds.toFixed(1)} s = ${report.opsPerSecond} ops/s over 2 instances; ` +
        `${report.invalidations} invalidations; memory peak ${Math.max(...report.peakMemoryBytes)} B of ${report.memoryBudgetBytes} B; ` +
        `memory evictions ${report.memoryEvictions.join('+')}; heap MiB after GC ${report.heapMiB.join(' ')} ` +
        `(slope ${report.heapSlopeMiBPerSecond.toFixed(2)} MiB/s)\n`,
    );
    assert.deepEqual(report.errors.slice(0, 5), []);
    assert.deepEqual(report.unseenInvalidations, []);
    assert.ok(report.invalidations > 0);
    for (const peak of report.peakMemoryBytes) {
      assert.ok(peak <= report.memoryBudgetBytes, `memory tier at ${peak} B`);
      assert.ok(peak > report.memoryBudgetBytes / 2, 'the working set filled the memory tier');
    }
    assert.ok(report.memoryEvictions.every((count) => count > 0), 'the budget forced evictions');
    assert.ok(report.redisHits.every((count) => count > 0), 'Redis served what memory had evicted');
    assert.ok(report.heapMiB.length >= 3, `heap sampled ${report.heapMiB.length} times`);
    assert.ok(
      report.heapSlopeMiBPerSecond < HEAP_SLOPE_LIMIT_MIB_PER_S,
      `heap grows ${report.heapSlopeMiBPerSecond.toFixed(2)} MiB/s: ${report.heapMiB.join(' ')}`,
    );
  });

  it('measures a heap trend by least squares: flat is 0, a steady rise is its rate', () => {
    assert.equal(slope([40, 40, 40, 40]), 0);
    assert.equal(slope([10, 12, 14, 16]), 2);
    assert.ok(Math.abs(slope([40, 41, 40, 41, 40])) < 0.2);
    assert.equal(slope([7]), 0);
  });
});
