import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { encodeValue } from '../../src/core/codec';
import { figure, SectionBuilder, sizeLabel, type BenchContext } from '../lib/context';
import { keyList } from '../lib/fill';
import { interleave, measureAsync, type LatencySummary, type Recorder } from '../lib/measure';
import { MIB, openOurCache, openSurrealStore, sharedStore } from '../lib/ourCache';
import { openBento, openCacheManager, type PeerCache } from '../lib/peers';
import type { Section } from '../report/results';

/**
 * A full miss: every tier misses, the compute runs (0 ms: returns at once; 1 ms: a 1 ms timer), and the value
 * is written through. Every call uses a key nobody has written, and every case counts its computations.
 */
export async function missesSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'misses',
    'Full misses',
    'A key no tier holds: look-up in every tier, compute, write-through. The floor is a hand-written cache-aside on raw ioredis (GET, compute, SET of bytes encoded beforehand).',
  );
  const size = 4096;
  const url = ctx.env.redis.url;
  const surrealDir = await ctx.env.tempDir('surreal-misses');
  const surreal = await openSurrealStore(surrealDir);
  const value = ctx.answers(size, 1)[0];
  const encoded = Buffer.from(encodeValue(value));
  try {
    for (const computeMs of [0, 1]) {
      ctx.log(`misses: compute ${computeMs} ms`);
      const rounds = ctx.scale(3, 1);
      const perRound = computeMs === 0 ? ctx.scale(600, 100) : ctx.scale(150, 30);
      let computations = 0;
      const compute = computeMs === 0 ? () => (computations++, value) : async () => (computations++, await sleep(1), value);
      const prefix = ctx.prefix(`miss${computeMs}`);
      // SurrealDB has no key prefix: each case gets keys of its own.
      const keys = keyList(`m${computeMs}-`, perRound * rounds + 200);
      const twoTiers = await openOurCache({ redisUrl: url, keyPrefix: `${prefix}two:` });
      const threeTiers = await openOurCache({ redisUrl: url, keyPrefix: `${prefix}three:`, surreal: sharedStore(surreal) });
      const client = new Redis(url, { lazyConnect: true });
      await client.connect();
      const peerOptions = { redisUrl: url, memoryBudgetBytes: 256 * MIB, memoryEntries: 100_000 };
      const peers: PeerCache[] = [
        openBento({ ...peerOptions, prefix: `${prefix}bento-on:`, serializeL1: true }),
        openBento({ ...peerOptions, prefix: `${prefix}bento-off:`, serializeL1: false }),
        openCacheManager({ ...peerOptions, prefix: `${prefix}cm:` }),
      ];
      const run = (miss: (key: string) => Promise<unknown>) => async (round: number, recorder: Recorder) =>
        measureAsync((i) => miss(keys[i] as string), { iterations: perRound, offset: round * perRound, recorder });
      try {
        const raw = async (key: string): Promise<unknown> => {
          const found = await client.getBuffer(`${prefix}raw:${key}`);
          if (found !== null) throw new Error('the raw floor found a key it never wrote');
          const result = await compute();
          await client.set(`${prefix}raw:${key}`, encoded, 'PX', 3_600_000);
          return result;
        };
        const summaries = await interleave(rounds, [
          run((key) => twoTiers.cache.getOrCompute('result', key, compute)),
          run((key) => threeTiers.cache.getOrCompute('result', key, compute)),
          run(raw),
          ...peers.map((peer) => run((key) => peer.getOrCompute(key, compute))),
        ]);
        const calls = summaries.reduce((sum, summary) => sum + summary.samples, 0);
        if (computations !== calls) throw new Error(`full misses: ${calls} calls but ${computations} computations`);
        const [two, three, floor, ...peerSummaries] = summaries as LatencySummary[];
        const label = `compute ${computeMs} ms`;
        section.row({
          id: `miss-compute-${computeMs}ms`,
          operation: `full miss, ${label}, memory + Redis (${sizeLabel(size)})`,
          valueBytes: size,
          ours: figure('ours', 'ours', 'TieredCache.getOrCompute, write-through to Redis', two as LatencySummary),
          floor: figure('raw ioredis cache-aside', 'floor', 'getBuffer (null) + compute + SET', floor as LatencySummary),
          references: [figure('ours, memory + Redis + SurrealDB', 'ours', 'TieredCache.getOrCompute, write-through to Redis and SurrealDB', three as LatencySummary)],
          peers: peers.map((peer, index) =>
            figure(peer.name, 'peer', peer.name === 'cache-manager' ? 'cache.wrap' : 'bento.getOrSet', peerSummaries[index] as LatencySummary),
          ),
          note: 'Every call computed exactly once (checked).',
        });
      } finally {
        await twoTiers.close();
        await threeTiers.close();
        client.disconnect();
        for (const peer of peers) await peer.close();
        await ctx.env.admin.flushdb();
      }
    }
  } finally {
    await surreal.close();
  }
  return section.build();
}
