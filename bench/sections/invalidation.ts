import Redis from 'ioredis';
import { figure, SectionBuilder, type BenchContext } from '../lib/context';
import { fillOurs, fillPeer, keyList } from '../lib/fill';
import { interleave, measureAsync, measureRepeated, type LatencySummary, type Recorder } from '../lib/measure';
import { MIB, openOurCache, openSurrealStore, sharedStore, type OurCache } from '../lib/ourCache';
import { openBento, openCacheManager, type PeerCache } from '../lib/peers';
import type { Section } from '../report/results';

/**
 * Invalidation by key (one entry, every tier), by layer (a whole layer of `entries` entries) and by pattern
 * (a tenth of them, by glob). Our cache runs over memory, Redis and SurrealDB; the floors are the raw Redis
 * commands the same job needs. Each timed invalidation removes entries that exist (checked by the counts).
 */
export async function invalidationSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'invalidation',
    'Invalidation',
    'Dropping entries by key, by layer and by glob pattern. Our cache clears memory, Redis and SurrealDB; the Redis floors are UNLINK and SCAN MATCH + UNLINK.',
  );
  const url = ctx.env.redis.url;
  const surreal = await openSurrealStore(await ctx.env.tempDir('surreal-invalidation'));
  const values = ctx.answers(4096, 64);
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    await byKey(ctx, section, surreal, client, values);
    await byLayerAndPattern(ctx, section, surreal, client, values);
  } finally {
    client.disconnect();
    await surreal.close();
    await ctx.env.admin.flushdb();
  }
  return section.build();
}

type Surreal = Awaited<ReturnType<typeof openSurrealStore>>;

async function byKey(ctx: BenchContext, section: SectionBuilder, surreal: Surreal, client: Redis, values: unknown[]): Promise<void> {
  ctx.log('invalidation: by key');
  const rounds = ctx.scale(3, 1);
  const perRound = ctx.scale(300, 50);
  const keys = keyList('i', perRound * rounds);
  const prefix = ctx.prefix('inv-key');
  const url = ctx.env.redis.url;
  const three = await openOurCache({ redisUrl: url, keyPrefix: `${prefix}three:`, surreal: sharedStore(surreal) });
  const two = await openOurCache({ redisUrl: url, keyPrefix: `${prefix}two:` });
  const peerOptions = { redisUrl: url, memoryBudgetBytes: 256 * MIB, memoryEntries: keys.length };
  const peers: PeerCache[] = [
    openBento({ ...peerOptions, prefix: `${prefix}bento:`, serializeL1: true }),
    openCacheManager({ ...peerOptions, prefix: `${prefix}cm:` }),
  ];
  try {
    await fillOurs(three.cache, keys, values);
    await fillOurs(two.cache, keys, values);
    for (const peer of peers) await fillPeer(peer, keys, values);
    const raw = `${prefix}raw:`;
    for (const key of keys) await client.set(raw + key, 'x');
    const removedEverywhere = (cache: OurCache) => async (i: number) => {
      const event = await cache.cache.invalidate('result', keys[i] as string);
      return event.removed.memory === 1 && event.removed.redis === 1 ? event : undefined;
    };
    const run = (op: (i: number) => Promise<unknown>, expect?: (result: unknown) => boolean) => async (round: number, recorder: Recorder) =>
      measureAsync(op, { iterations: perRound, offset: round * perRound, recorder, ...(expect ? { expect } : {}) });
    const [ours3, ours2, floor, ...peerSummaries] = (await interleave(rounds, [
      run(removedEverywhere(three), (result) => result !== undefined),
      run(removedEverywhere(two), (result) => result !== undefined),
      run((i) => client.unlink(raw + (keys[i] as string)), (result) => result === 1),
      ...peers.map((peer) => run((i) => peer.delete(keys[i] as string))),
    ])) as LatencySummary[];
    if ((ours3 as LatencySummary).misses > 0 || (floor as LatencySummary).misses > 0) throw new Error('invalidation by key: an entry was missing');
    section.row({
      id: 'invalidate-key',
      operation: 'invalidate one key, memory + Redis',
      ours: figure('ours', 'ours', 'TieredCache.invalidate(layer, key)', ours2 as LatencySummary),
      floor: figure('raw ioredis UNLINK', 'floor', 'UNLINK key', floor as LatencySummary),
      references: [figure('ours, memory + Redis + SurrealDB', 'ours', 'TieredCache.invalidate(layer, key)', ours3 as LatencySummary)],
      peers: peers.map((peer, index) => figure(peer.name, 'peer', peer.name === 'cache-manager' ? 'cache.del' : 'bento.delete', peerSummaries[index] as LatencySummary)),
    });
  } finally {
    await three.close();
    await two.close();
    for (const peer of peers) await peer.close();
  }
}

async function byLayerAndPattern(ctx: BenchContext, section: SectionBuilder, surreal: Surreal, client: Redis, values: unknown[]): Promise<void> {
  const entries = ctx.scale(1_000, 200);
  const runs = ctx.scale(5, 1);
  const url = ctx.env.redis.url;
  // Ten groups of keys: the pattern takes one group, a tenth of the layer.
  const keys = Array.from({ length: entries }, (_, i) => `g${i % 10}-e${i}`);
  const pattern = 'g3-*';
  const matching = keys.filter((key) => key.startsWith('g3-')).length;
  const prefix = ctx.prefix('inv-layer');
  const three = await openOurCache({ redisUrl: url, keyPrefix: `${prefix}three:`, surreal: sharedStore(surreal) });
  const two = await openOurCache({ redisUrl: url, keyPrefix: `${prefix}two:` });
  const peerOptions = { redisUrl: url, memoryBudgetBytes: 256 * MIB, memoryEntries: entries };
  const bento = openBento({ ...peerOptions, prefix: `${prefix}bento:`, serializeL1: true });
  const manager = openCacheManager({ ...peerOptions, prefix: `${prefix}cm:` });
  const raw = `${prefix}raw:result:`;
  const fillRaw = async () => {
    const pipeline = client.pipeline();
    for (const key of keys) pipeline.set(raw + key, 'x');
    await pipeline.exec();
  };
  const scanUnlink = async (match: string): Promise<number> => {
    let cursor = '0';
    let removed = 0;
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', match, 'COUNT', 500);
      cursor = next;
      if (found.length > 0) removed += await client.unlink(...found);
    } while (cursor !== '0');
    return removed;
  };
  /** Refills, then times only the invalidation; checks it removed `expected` entries from Redis. */
  const timed = (fill: () => Promise<unknown>, drop: () => Promise<number>, expected: number) => async () => {
    await fill();
    const started = process.hrtime.bigint();
    const removed = await drop();
    const elapsed = Number(process.hrtime.bigint() - started);
    if (removed !== expected) throw new Error(`invalidation removed ${removed} entries, expected ${expected}`);
    return elapsed;
  };
  const ourDrop = (cache: OurCache, kind: 'layer' | 'pattern') => async () => {
    const event = kind === 'layer' ? await cache.cache.invalidateLayer('result') : await cache.cache.invalidatePattern(pattern, 'result');
    if (event.removed.memory !== event.removed.redis) throw new Error('memory and Redis removed different counts');
    return event.removed.redis;
  };
  try {
    ctx.log('invalidation: by layer');
    const layer3 = await measureRepeated(runs, timed(() => fillOurs(three.cache, keys, values), ourDrop(three, 'layer'), entries));
    const layer2 = await measureRepeated(runs, timed(() => fillOurs(two.cache, keys, values), ourDrop(two, 'layer'), entries));
    const layerFloor = await measureRepeated(runs, timed(fillRaw, () => scanUnlink(`${raw}*`), entries));
    const bentoClear = await measureRepeated(runs, timed(() => fillPeer(bento, keys, values), async () => (await bento.clear(), entries), entries));
    const managerClear = await measureRepeated(runs, timed(() => fillPeer(manager, keys, values), async () => (await manager.clear(), entries), entries));
    section.row({
      id: 'invalidate-layer',
      operation: `invalidate a layer of ${entries} entries, memory + Redis`,
      ours: figure('ours', 'ours', 'TieredCache.invalidateLayer', layer2),
      floor: figure('raw SCAN + UNLINK', 'floor', 'SCAN MATCH prefix* COUNT 500 + UNLINK', layerFloor),
      references: [figure('ours, memory + Redis + SurrealDB', 'ours', 'TieredCache.invalidateLayer', layer3)],
      peers: [figure(bento.name, 'peer', 'bento.clear (store prefix)', bentoClear), figure(manager.name, 'peer', 'cache.clear', managerClear)],
      note: 'Each run refills the layer first; only the invalidation is timed.',
    });

    ctx.log('invalidation: by pattern');
    const pattern3 = await measureRepeated(runs, timed(() => fillOurs(three.cache, keys, values), ourDrop(three, 'pattern'), matching));
    const pattern2 = await measureRepeated(runs, timed(() => fillOurs(two.cache, keys, values), ourDrop(two, 'pattern'), matching));
    const patternFloor = await measureRepeated(runs, timed(fillRaw, () => scanUnlink(`${raw}${pattern}`), matching));
    section.row({
      id: 'invalidate-pattern',
      operation: `invalidate by pattern (${matching} of ${entries} entries), memory + Redis`,
      ours: figure('ours', 'ours', `TieredCache.invalidatePattern('${pattern}', layer)`, pattern2),
      floor: figure('raw SCAN + UNLINK', 'floor', `SCAN MATCH prefix${pattern} COUNT 500 + UNLINK`, patternFloor),
      references: [figure('ours, memory + Redis + SurrealDB', 'ours', 'TieredCache.invalidatePattern', pattern3)],
      peers: [],
      note: 'Neither peer can drop keys by pattern (BentoCache has tags, cache-manager nothing).',
    });
  } finally {
    await three.close();
    await two.close();
    await bento.close();
    await manager.close();
  }
}
