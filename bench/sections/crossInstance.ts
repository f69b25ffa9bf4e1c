import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { figure, SectionBuilder, type BenchContext } from '../lib/context';
import { measureRepeated } from '../lib/measure';
import { MIB, openOurCache } from '../lib/ourCache';
import { openBento } from '../lib/peers';
import type { Section } from '../report/results';

const WAIT_LIMIT_MS = 5_000;

/**
 * Two instances share Redis; the second holds an entry in memory. Timed: from the first instance's
 * invalidation call until the second instance's memory copy is gone (our `invalidated` event with remote =
 * true fires after the removal; BentoCache's bus event fires just before its synchronous removal).
 */
export async function crossInstanceSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'crossInstance',
    'Cross-instance invalidation',
    'Latency from one instance invalidating a key until another instance no longer holds it in memory, over Redis pub/sub.',
  );
  const url = ctx.env.redis.url;
  const trials = ctx.scale(200, 20);
  const value = ctx.answers(4096, 1)[0];
  const prefix = ctx.prefix('cross');

  ctx.log('cross-instance: ours');
  const first = await openOurCache({ redisUrl: url, keyPrefix: prefix, withBus: true });
  const second = await openOurCache({ redisUrl: url, keyPrefix: prefix, withBus: true });
  let ours;
  try {
    ours = await measureRepeated(trials, async (trial) => {
      const key = `x${trial}`;
      await first.cache.set('result', key, value);
      if ((await second.cache.get('result', key)) === undefined) throw new Error('the second instance cannot read the entry');
      if (second.memory.getSync('result', key) === undefined) throw new Error('the second instance did not keep the entry in memory');
      const gone = new Promise<bigint>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the invalidation never reached the second instance')), WAIT_LIMIT_MS);
        const unsubscribe = second.cache.events.on('invalidated', (event) => {
          if (!event.remote || event.key !== key) return;
          clearTimeout(timer);
          unsubscribe();
          resolve(process.hrtime.bigint());
        });
      });
      const started = process.hrtime.bigint();
      await first.cache.invalidate('result', key);
      const ended = await gone;
      if (second.memory.getSync('result', key) !== undefined) throw new Error('the second instance still holds the entry');
      return Number(ended - started);
    });
  } finally {
    await first.close();
    await second.close();
  }

  ctx.log('cross-instance: raw pub/sub');
  const publisher = new Redis(url, { lazyConnect: true });
  const subscriber = new Redis(url, { lazyConnect: true });
  await publisher.connect();
  await subscriber.connect();
  const channel = `${prefix}raw`;
  await subscriber.subscribe(channel);
  let floor;
  try {
    floor = await measureRepeated(trials, async (trial) => {
      const message = JSON.stringify({ kind: 'key', layer: 'result', key: `x${trial}` });
      const received = new Promise<bigint>((resolve) => {
        const onMessage = (from: string, text: string) => {
          if (from !== channel || text !== message) return;
          subscriber.off('message', onMessage);
          resolve(process.hrtime.bigint());
        };
        subscriber.on('message', onMessage);
      });
      const started = process.hrtime.bigint();
      await publisher.publish(channel, message);
      return Number((await received) - started);
    });
  } finally {
    publisher.disconnect();
    subscriber.disconnect();
  }

  ctx.log('cross-instance: BentoCache');
  const emitter = new EventEmitter();
  const peerOptions = { redisUrl: url, prefix: `${prefix}bento:`, serializeL1: true, memoryBudgetBytes: 64 * MIB, memoryEntries: 10_000, withBus: true };
  const bentoFirst = openBento(peerOptions);
  const bentoSecond = openBento({ ...peerOptions, emitter });
  let bento;
  try {
    // The bus connects in the background; one round trip through it proves both ends are subscribed.
    await bentoFirst.set('warm', value);
    await sleep(200);
    bento = await measureRepeated(trials, async (trial) => {
      const key = `x${trial}`;
      await bentoFirst.set(key, value);
      // The set's own bus message expires the second instance's copy; let it land before reading.
      await sleep(5);
      if ((await bentoSecond.get(key)) === undefined) throw new Error('the second BentoCache cannot read the entry');
      const gone = new Promise<bigint>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the delete never reached the second BentoCache')), WAIT_LIMIT_MS);
        const onMessage = (data: { message: { keys: string[]; type: string } }) => {
          if (data.message.type !== 'delete' || !data.message.keys.some((candidate) => candidate.endsWith(key))) return;
          clearTimeout(timer);
          emitter.off('bus:message:received', onMessage);
          resolve(process.hrtime.bigint());
        };
        emitter.on('bus:message:received', onMessage);
      });
      const started = process.hrtime.bigint();
      await bentoFirst.delete(key);
      return Number((await gone) - started);
    });
  } finally {
    await bentoFirst.close();
    await bentoSecond.close();
  }

  section.row({
    id: 'cross-instance-invalidation',
    operation: 'invalidate a key on one instance until another drops its memory copy',
    ours: figure('ours', 'ours', 'TieredCache.invalidate -> RedisInvalidationBus -> other instance', ours),
    floor: figure('raw Redis PUBLISH -> message', 'floor', 'ioredis publish until the subscriber sees it', floor),
    peers: [figure(bentoFirst.name, 'peer', 'bento.delete -> Redis bus -> other instance', bento)],
    note: `Median of ${trials} trials; our figure includes the local removal from memory and Redis before the publish.`,
  });
  await ctx.env.admin.flushdb();
  return section.build();
}
