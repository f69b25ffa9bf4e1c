import { setTimeout as sleep } from 'node:timers/promises';
import { figure, SectionBuilder, type BenchContext } from '../lib/context';
import { measureRepeated, type LatencySummary } from '../lib/measure';
import { MIB, openOurCache } from '../lib/ourCache';
import { openBento, openCacheManager } from '../lib/peers';
import type { Section } from '../report/results';

const CALLS = 1_000;
const COMPUTE_MS = 5;

interface Contender {
  name: string;
  instances: number;
  /** One call for `key` on instance `instance`, computing with `compute`. */
  call(instance: number, key: string, compute: () => Promise<unknown>): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * 1000 concurrent calls for one key nobody holds, with a 5 ms compute: how many computations run, in one
 * instance and split over two instances that share Redis. Computations are counted by the compute itself.
 */
export async function stampedeSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'stampede',
    'Concurrent identical misses',
    `${CALLS} concurrent calls for one missing key (compute takes ${COMPUTE_MS} ms): computations run and time until every caller has its value.`,
  );
  const url = ctx.env.redis.url;
  const trials = ctx.scale(5, 2);
  const value = ctx.answers(4096, 1)[0];
  const prefix = ctx.prefix('stampede');
  const peerOptions = { redisUrl: url, memoryBudgetBytes: 64 * MIB, memoryEntries: 10_000 };

  const contenders: Array<() => Promise<Contender>> = [1, 2].flatMap((instances) => [
    async (): Promise<Contender> => {
      const caches = await Promise.all(
        Array.from({ length: instances }, () => openOurCache({ redisUrl: url, keyPrefix: `${prefix}ours${instances}:`, withBus: true })),
      );
      return {
        name: 'ours',
        instances,
        call: (instance, key, compute) => (caches[instance] as (typeof caches)[number]).cache.getOrCompute('result', key, compute),
        close: async () => {
          for (const cache of caches) await cache.close();
        },
      };
    },
    async (): Promise<Contender> => {
      const peers = Array.from({ length: instances }, () => openBento({ ...peerOptions, prefix: `${prefix}bento${instances}:`, serializeL1: true }));
      return {
        name: peers[0]?.name ?? 'BentoCache',
        instances,
        call: (instance, key, compute) => (peers[instance] as (typeof peers)[number]).getOrCompute(key, compute),
        close: async () => {
          for (const peer of peers) await peer.close();
        },
      };
    },
    async (): Promise<Contender> => {
      const peers = Array.from({ length: instances }, () => openCacheManager({ ...peerOptions, prefix: `${prefix}cm${instances}:` }));
      return {
        name: 'cache-manager',
        instances,
        call: (instance, key, compute) => (peers[instance] as (typeof peers)[number]).getOrCompute(key, compute),
        close: async () => {
          for (const peer of peers) await peer.close();
        },
      };
    },
  ]);

  const rows: Array<Array<string | number>> = [];
  const settle: Record<string, LatencySummary> = {};
  for (const open of contenders) {
    const contender = await open();
    ctx.log(`stampede: ${contender.name}, ${contender.instances} instance(s)`);
    const counts: number[] = [];
    try {
      settle[`${contender.name}/${contender.instances}`] = await measureRepeated(trials, async (trial) => {
        let computations = 0;
        const compute = async () => {
          computations++;
          await sleep(COMPUTE_MS);
          return value;
        };
        const key = `hot${trial}`;
        const started = process.hrtime.bigint();
        const results = await Promise.all(
          Array.from({ length: CALLS }, (_, i) => contender.call(i % contender.instances, key, compute)),
        );
        const elapsed = Number(process.hrtime.bigint() - started);
        if (results.some((result) => result === undefined)) throw new Error(`${contender.name}: a caller got no value`);
        counts.push(computations);
        return elapsed;
      });
    } finally {
      await contender.close();
    }
    const summary = settle[`${contender.name}/${contender.instances}`] as LatencySummary;
    if (contender.name === 'ours') section.metric(`oursComputations${contender.instances}`, Math.max(...counts));
    rows.push([
      contender.name,
      contender.instances,
      CALLS,
      Math.max(...counts),
      +(counts.reduce((sum, count) => sum + count, 0) / counts.length).toFixed(2),
      +(summary.meanNs / 1e6).toFixed(2),
    ]);
  }
  section.table({
    id: 'stampede-computations',
    title: `Computations for ${CALLS} concurrent identical misses (${trials} trials)`,
    columns: ['system', 'instances', 'calls', 'computations (worst trial)', 'computations (mean)', 'all callers served (ms, median)'],
    rows,
    note: 'Across instances nothing coordinates the computation (no distributed lock in any of the three): each instance computes once.',
  });
  const one = (name: string) => settle[`${name}/1`] as LatencySummary;
  section.row({
    id: 'stampede-settle',
    operation: `${CALLS} concurrent identical misses in one instance, until every caller has the value`,
    ours: figure('ours', 'ours', `${CALLS} x TieredCache.getOrCompute(same key)`, one('ours')),
    peers: [
      figure('BentoCache (serializeL1 on)', 'peer', `${CALLS} x bento.getOrSet(same key)`, one('BentoCache (serializeL1 on)')),
      figure('cache-manager', 'peer', `${CALLS} x cache.wrap(same key)`, one('cache-manager')),
    ],
  });
  await ctx.env.admin.flushdb();
  return section.build();
}
