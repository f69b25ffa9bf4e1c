import { runTwoInstanceLoad } from '../../test/helpers/twoInstanceLoad';
import { SectionBuilder, type BenchContext } from '../lib/context';
import type { Section } from '../report/results';

/**
 * The long form of the reliability load test (test/integration/load.test.ts runs it for 4 s): two instances on
 * one Redis, mixed reads, writes and invalidations at the highest rate they sustain, memory budget far below the
 * working set. Reports the rate held, errors, missed invalidations, memory against budget and the heap trend.
 */
export async function loadSection(ctx: BenchContext): Promise<Section> {
  const seconds = ctx.scale(60, 2);
  const section = new SectionBuilder(
    'load',
    'Sustained load, two instances sharing Redis',
    `${seconds} s of 70 % reads, 25 % writes, 5 % invalidations by 2 x 8 workers over 4000 keys of 1 KB, memory budget 256 KB per layer (far below the working set).`,
  );
  const report = await runTwoInstanceLoad({ redisUrl: ctx.env.redis.url, seconds, keyPrefix: ctx.prefix('load') });
  section.metric('opsPerSecond', report.opsPerSecond);
  section.metric('errors', report.errors.length);
  section.metric('unseenInvalidations', report.unseenInvalidations.length);
  section.metric('heapSlopeMiBPerSecond', Math.round(report.heapSlopeMiBPerSecond * 1000) / 1000);
  section.metric('peakMemoryOfBudget', Math.max(...report.peakMemoryBytes) / report.memoryBudgetBytes);
  section.table({
    id: 'load',
    title: 'Load held',
    columns: ['seconds', 'ops', 'ops/s', 'invalidations', 'unseen', 'errors', 'memory peak / budget', 'evictions', 'heap MiB after GC (first, last)', 'heap slope MiB/s'],
    rows: [
      [
        Math.round(report.seconds),
        report.ops,
        report.opsPerSecond,
        report.invalidations,
        report.unseenInvalidations.length,
        report.errors.length,
        `${Math.max(...report.peakMemoryBytes)} / ${report.memoryBudgetBytes} B`,
        report.memoryEvictions.reduce((sum, count) => sum + count, 0),
        `${report.heapMiB[0] ?? '-'}, ${report.heapMiB.at(-1) ?? '-'}`,
        report.heapSlopeMiBPerSecond.toFixed(3),
      ],
    ],
    ...(report.errors.length > 0 ? { note: `first errors: ${report.errors.slice(0, 3).join('; ')}` } : {}),
  });
  return section.build();
}
