import Redis from 'ioredis';
import { encodeValue } from '../../src/core/codec';
import { figure, SectionBuilder, sizeLabel, type BenchContext } from '../lib/context';
import { keyList } from '../lib/fill';
import { interleave, measureAsync, measureRepeated, type LatencySummary, type Recorder } from '../lib/measure';
import { HOUR_MS, MIB, openOurCache, openSurrealStore, sharedStore } from '../lib/ourCache';
import { openBento, openCacheManager, type PeerCache } from '../lib/peers';
import { openRawSurreal } from '../lib/rawSurreal';
import type { Section } from '../report/results';

/**
 * Sets of new keys. Write-through resolves once every tier holds the value; write-behind once memory does,
 * with Redis and SurrealDB written in batches afterwards (the batch drain is timed separately).
 */
export async function writesSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'writes',
    'Writes',
    'set() of a new key. Floors are raw calls with bytes encoded beforehand: ioredis SET, an embedded SurrealDB UPSERT, and both at once.',
  );
  const size = 4096;
  const url = ctx.env.redis.url;
  const surreal = await openSurrealStore(await ctx.env.tempDir('surreal-writes'));
  const raw = await openRawSurreal(await ctx.env.tempDir('surreal-writes-raw'));
  const values = ctx.answers(size, 256);
  const encoded = values.map((value) => Buffer.from(encodeValue(value)));
  const rounds = ctx.scale(3, 1);
  const perRound = ctx.scale(500, 80);
  const keys = keyList('w', perRound * rounds);
  const prefix = ctx.prefix('writes');
  const through = await openOurCache({ redisUrl: url, keyPrefix: `${prefix}through:`, surreal: sharedStore(surreal) });
  const behind = await openOurCache({ redisUrl: url, keyPrefix: `${prefix}behind:`, surreal: sharedStore(surreal), writeMode: 'write-behind' });
  const redisOnly = await openOurCache({ redisUrl: url, keyPrefix: `${prefix}two:` });
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  const peerOptions = { redisUrl: url, memoryBudgetBytes: 256 * MIB, memoryEntries: 100_000 };
  const peers: PeerCache[] = [
    openBento({ ...peerOptions, prefix: `${prefix}bento-on:`, serializeL1: true }),
    openBento({ ...peerOptions, prefix: `${prefix}bento-off:`, serializeL1: false }),
    openCacheManager({ ...peerOptions, prefix: `${prefix}cm:` }),
  ];
  const valueAt = (i: number): unknown => values[i % values.length];
  const bytesAt = (i: number): Buffer => encoded[i % encoded.length] as Buffer;
  const rawSet = (i: number) => client.set(`${prefix}raw:${keys[i] as string}`, bytesAt(i), 'PX', HOUR_MS);
  const rawUpsert = (i: number) => {
    const key = keys[i] as string;
    const now = Date.now();
    const value = bytesAt(i);
    return raw.db
      .query('UPSERT $id CONTENT { layer: $layer, key: $key, value: $value, size: $size, created_at: $now, expires_at: $expires } RETURN NONE', {
        id: raw.recordId(`result:${key}`),
        layer: 'result',
        key,
        value,
        size: value.byteLength,
        now,
        expires: now + HOUR_MS,
      })
      .collect();
  };
  try {
    ctx.log('writes: set');
    const run = (write: (i: number) => Promise<unknown>) => async (round: number, recorder: Recorder) =>
      measureAsync(write, { iterations: perRound, offset: round * perRound, recorder });
    const [wt, wb, two, redisFloor, surrealFloor, bothFloor, ...peerSummaries] = (await interleave(rounds, [
      run((i) => through.cache.set('result', keys[i] as string, valueAt(i))),
      run((i) => behind.cache.set('result', keys[i] as string, valueAt(i))),
      run((i) => redisOnly.cache.set('result', keys[i] as string, valueAt(i))),
      run(rawSet),
      run(rawUpsert),
      run((i) => Promise.all([rawSet(i), rawUpsert(i)])),
      ...peers.map((peer) => run((i) => peer.set(keys[i] as string, valueAt(i)))),
    ])) as LatencySummary[];
    const drain = await measureRepeated(1, async () => {
      await behind.cache.flush();
    });
    const written = (wb as LatencySummary).samples;
    const stored = behind.cache.stats.tiers.redis.writes;
    if (stored !== written) throw new Error(`write-behind: ${written} sets but ${stored} Redis writes after the drain`);
    const peerFigures = peers.map((peer, index) => figure(peer.name, 'peer', peer.name === 'cache-manager' ? 'cache.set' : 'bento.set', peerSummaries[index] as LatencySummary));
    section.row({
      id: 'set-write-through',
      operation: `set, write-through to Redis and SurrealDB (${sizeLabel(size)})`,
      valueBytes: size,
      ours: figure('ours', 'ours', 'TieredCache.set, write-through', wt as LatencySummary),
      floor: figure('raw SET + UPSERT', 'floor', 'ioredis SET and SurrealDB UPSERT in parallel', bothFloor as LatencySummary),
      references: [figure('raw SurrealDB UPSERT', 'floor', 'db.query(UPSERT ...)', surrealFloor as LatencySummary)],
      peers: [],
      note: 'The peers have no SurrealDB tier; see the memory + Redis row for them.',
    });
    const perWriteDrainNs = drain.meanNs / Math.max(1, written);
    section.row({
      id: 'set-write-behind',
      operation: `set, write-behind to Redis and SurrealDB (${sizeLabel(size)})`,
      valueBytes: size,
      ours: figure('ours', 'ours', 'TieredCache.set, write-behind', wb as LatencySummary),
      floor: figure('raw SET + UPSERT', 'floor', 'ioredis SET and SurrealDB UPSERT in parallel', bothFloor as LatencySummary),
      peers: [],
      note: `The batched writes drained afterwards in ${(drain.meanNs / 1e6).toFixed(1)} ms for ${written} sets (${(perWriteDrainNs / 1000).toFixed(1)} µs per write, off the caller's path).`,
    });
    section.row({
      id: 'set-write-through-redis',
      operation: `set, write-through to Redis (${sizeLabel(size)})`,
      valueBytes: size,
      ours: figure('ours', 'ours', 'TieredCache.set, memory + Redis', two as LatencySummary),
      floor: figure('raw ioredis SET', 'floor', 'ioredis SET of encoded bytes', redisFloor as LatencySummary),
      peers: peerFigures,
    });
  } finally {
    await through.close();
    await behind.close();
    await redisOnly.close();
    client.disconnect();
    for (const peer of peers) await peer.close();
    await raw.close();
    await surreal.close();
    await ctx.env.admin.flushdb();
  }
  return section.build();
}
