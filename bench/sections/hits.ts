import Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { decodeValue, encodeValue } from '../../src/core/codec';
import { decodeFrame } from '../../src/core/stores/redis/recordFrame';
import type { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import { figure, SectionBuilder, sizeLabel, type BenchContext } from '../lib/context';
import { assertPeerTier, fillOurs, fillPeer, keyList, mustNotCompute } from '../lib/fill';
import { interleave, isDefined, measureAsync, measureSync, type LatencySummary, type Recorder } from '../lib/measure';
import { HOUR_MS, MIB, openOurCache, openSurrealStore, sharedStore } from '../lib/ourCache';
import { openBento, openCacheManager, type PeerCache } from '../lib/peers';
import { openRawSurreal, type RawSurreal } from '../lib/rawSurreal';
import { ZipfSampler } from '../lib/zipf';
import type { Figure, Section } from '../report/results';

/**
 * Hit latency at each tier. A memory hit is timed through each API a caller has (our synchronous peek, our
 * awaited getOrCompute and get, and each peer's equivalent); a Redis hit includes decoding and promotion into
 * memory; a SurrealDB hit includes promotion. Every hit case reads keys a writer instance stored and a fresh
 * reader instance has never seen, so each timed call is the hit it claims to be.
 */
export async function hitsSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'hits',
    'Hit latency by tier',
    'Memory, Redis and SurrealDB hits against the raw call beneath them and against the peers. Ratios use the mean time per call.',
  );
  for (const size of ctx.valueSizes) await memoryHits(ctx, section, size);
  for (const size of ctx.valueSizes) await redisHits(ctx, section, size);
  await redisThroughput(ctx, section, 4096);
  const surrealDir = await ctx.env.tempDir('surreal-hits');
  const rawDir = await ctx.env.tempDir('surreal-raw');
  const surreal = await openSurrealStore(surrealDir);
  const raw = await openRawSurreal(rawDir);
  try {
    for (const size of ctx.valueSizes) await surrealHits(ctx, section, size, surreal, raw);
  } finally {
    await raw.close();
    await surreal.close();
  }
  await ctx.env.admin.flushdb();
  return section.build();
}

async function memoryHits(ctx: BenchContext, section: SectionBuilder, size: number): Promise<void> {
  ctx.log(`hits: memory, ${sizeLabel(size)}`);
  // Bounded by bytes so every system holds the whole key set in memory (and Redis) at every size.
  const keyCount = Math.min(ctx.scale(10_000, 2_000), Math.floor((48 * MIB) / size));
  const prefix = ctx.prefix(`mem${size}`);
  const keys = keyList('k', keyCount);
  const values = ctx.answers(size, Math.min(keyCount, 256));
  const sequence = new ZipfSampler(keyCount, 1.0, 42).sequence(ctx.scale(200_000, 20_000));
  const at = (i: number): string => keys[sequence[i % sequence.length] as number] as string;
  const rounds = ctx.scale(3, 1);
  const syncIterations = ctx.scale(100_000, 20_000);
  const asyncIterations = ctx.scale(30_000, 5_000);

  const map = new Map<string, unknown>();
  const lru = new LRUCache<string, object>({ max: keyCount });
  keys.forEach((key, i) => {
    map.set(key, values[i % values.length]);
    lru.set(key, values[i % values.length] as object);
  });
  const ours = await openOurCache({ redisUrl: ctx.env.redis.url, keyPrefix: prefix, memoryBudgetBytes: 256 * MIB });
  const peerOptions = { redisUrl: ctx.env.redis.url, memoryBudgetBytes: 256 * MIB, memoryEntries: keyCount };
  const peers: PeerCache[] = [
    openBento({ ...peerOptions, prefix: `${prefix}bento-off:`, serializeL1: false }),
    openBento({ ...peerOptions, prefix: `${prefix}bento-on:`, serializeL1: true }),
    openCacheManager({ ...peerOptions, prefix: `${prefix}cm:` }),
  ];
  try {
    await fillOurs(ours.cache, keys, values);
    for (const peer of peers) {
      await fillPeer(peer, keys, values);
      await assertPeerTier(peer, keys.slice(0, 100), 'memory');
    }

    const sync = (op: (i: number) => unknown) => async (_round: number, recorder: Recorder) =>
      measureSync(op, { iterations: syncIterations, warmup: 50_000, expect: isDefined, recorder, budgetMs: 300 });
    const [mapGet, lruGet, peek] = await interleave(ctx.scale(5, 1), [
      sync((i) => map.get(at(i))),
      sync((i) => lru.get(at(i))),
      sync((i) => ours.cache.peek('result', at(i))),
    ]);
    section.row({
      id: `memory-hit-sync-${size}`,
      operation: `memory hit, synchronous (${sizeLabel(size)})`,
      valueBytes: size,
      ours: figure('ours', 'ours', 'TieredCache.peek', peek as LatencySummary),
      floor: figure('raw LRUCache.get', 'floor', 'LRUCache.get', lruGet as LatencySummary),
      references: [figure('raw Map.get', 'floor', 'Map.get', mapGet as LatencySummary)],
      peers: [],
      note: 'The peers have no synchronous read.',
    });

    const async = (op: (i: number) => Promise<unknown>) => async (_round: number, recorder: Recorder) =>
      measureAsync(op, { iterations: asyncIterations, warmup: 2_000, expect: isDefined, recorder, budgetMs: 300 });
    const getOrCompute = await interleave(rounds, [
      async(async (i) => lru.get(at(i))),
      async((i) => ours.cache.getOrCompute('result', at(i), mustNotCompute)),
      ...peers.map((peer) => async((i) => peer.getOrCompute(at(i), mustNotCompute))),
    ]);
    section.row({
      id: `memory-hit-getOrCompute-${size}`,
      operation: `memory hit through getOrCompute (${sizeLabel(size)})`,
      valueBytes: size,
      ours: figure('ours', 'ours', 'TieredCache.getOrCompute', getOrCompute[1] as LatencySummary),
      floor: figure('raw LRUCache.get, awaited', 'floor', 'await of an async function returning LRUCache.get', getOrCompute[0] as LatencySummary),
      peers: peers.map((peer, index) =>
        figure(peer.name, 'peer', peer.name === 'cache-manager' ? 'cache.wrap' : 'bento.getOrSet', getOrCompute[index + 2] as LatencySummary),
      ),
    });

    const get = await interleave(rounds, [
      async(async (i) => lru.get(at(i))),
      async((i) => ours.cache.get('result', at(i))),
      ...peers.map((peer) => async((i) => peer.get(at(i)))),
    ]);
    section.row({
      id: `memory-hit-get-${size}`,
      operation: `memory hit through get (${sizeLabel(size)})`,
      valueBytes: size,
      ours: figure('ours', 'ours', 'TieredCache.get', get[1] as LatencySummary),
      floor: figure('raw LRUCache.get, awaited', 'floor', 'await of an async function returning LRUCache.get', get[0] as LatencySummary),
      peers: peers.map((peer, index) =>
        figure(peer.name, 'peer', peer.name === 'cache-manager' ? 'cache.get' : 'bento.get', get[index + 2] as LatencySummary),
      ),
    });
    const computed = ours.cache.stats.layers.result.computations;
    if (computed !== 0) throw new Error(`memory hits computed ${computed} values`);
  } finally {
    await ours.close();
    for (const peer of peers) await peer.close();
    await ctx.env.admin.flushdb();
  }
}

/**
 * A remote-hit case: `count` keys per round, each read once by a reader whose memory tier has never seen it.
 * Keys 0..warmup-1 warm the reader up; round r reads keys warmup + r * perRound onwards.
 */
interface RemoteCase {
  label: string;
  role: 'ours' | 'floor' | 'peer';
  call: string;
  read: (key: string) => Promise<unknown>;
}

async function remoteRounds(
  cases: readonly RemoteCase[],
  keys: readonly string[],
  warmup: number,
  perRound: number,
  rounds: number,
  concurrency = 1,
): Promise<Figure[]> {
  const summaries = await interleave(
    rounds,
    cases.map((remote) => async (round: number, recorder: Recorder) =>
      measureAsync((i) => remote.read(keys[warmup + i] as string), {
        iterations: perRound,
        offset: round * perRound,
        concurrency,
        expect: isDefined,
        recorder,
        ...(round === 0 ? { warmup, warmupOp: (i: number) => remote.read(keys[i] as string) } : {}),
      }),
    ),
  );
  return cases.map((remote, index) => figure(remote.label, remote.role, remote.call, summaries[index] as LatencySummary));
}

function redisKeyCount(ctx: BenchContext, size: number): number {
  return ctx.scale(size <= 4096 ? 3_000 : size <= 32768 ? 1_500 : 500, 240);
}

async function redisHits(ctx: BenchContext, section: SectionBuilder, size: number): Promise<void> {
  ctx.log(`hits: Redis, ${sizeLabel(size)}`);
  const count = redisKeyCount(ctx, size);
  const rounds = ctx.scale(5, 1);
  const perRound = Math.floor(count / rounds);
  const warmup = Math.ceil(count / 5);
  const keys = keyList('r', warmup + count + 5);
  const values = ctx.answers(size, Math.min(keys.length, 256));
  const url = ctx.env.redis.url;
  const prefix = ctx.prefix(`redis${size}`);

  const writer = await openOurCache({ redisUrl: url, keyPrefix: prefix });
  await fillOurs(writer.cache, keys, values);
  await writer.close();
  const peerOptions = { redisUrl: url, memoryBudgetBytes: 256 * MIB, memoryEntries: keys.length };
  const peerFactories = [
    () => openBento({ ...peerOptions, prefix: `${prefix}bento-on:`, serializeL1: true }),
    () => openBento({ ...peerOptions, prefix: `${prefix}bento-off:`, serializeL1: false }),
    () => openCacheManager({ ...peerOptions, prefix: `${prefix}cm:` }),
  ];
  for (const open of peerFactories) {
    const peerWriter = open();
    await fillPeer(peerWriter, keys, values);
    await peerWriter.close();
  }

  const reader = await openOurCache({ redisUrl: url, keyPrefix: prefix });
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  const peerReaders = peerFactories.map((open) => open());
  try {
    // The last keys are never timed: they prove each reader's first read of a key is a Redis hit.
    for (const peer of peerReaders) await assertPeerTier(peer, keys.slice(-5), 'redis');
    const [ours, raw, rawDecoded, ...peerFigures] = await remoteRounds(
      [
        { label: 'ours', role: 'ours', call: 'TieredCache.getOrCompute (memory miss, Redis hit)', read: (key) => reader.cache.getOrCompute('result', key, mustNotCompute) },
        { label: 'raw ioredis getBuffer', role: 'floor', call: 'ioredis getBuffer, serial', read: (key) => client.getBuffer(`${prefix}result:${key}`) },
        {
          label: 'raw getBuffer + our decoding',
          role: 'floor',
          call: 'ioredis getBuffer, then decodeFrame + decodeValue (no cache)',
          read: async (key) => decodeStored(await client.getBuffer(`${prefix}result:${key}`)),
        },
        ...peerReaders.map((peer): RemoteCase => ({
          label: peer.name,
          role: 'peer',
          call: `${peer.name === 'cache-manager' ? 'cache.wrap' : 'bento.getOrSet'} (L1 miss, Redis hit)`,
          read: (key) => peer.getOrCompute(key, mustNotCompute),
        })),
      ],
      keys,
      warmup,
      perRound,
      rounds,
    );
    const stats = reader.cache.stats;
    const expected = warmup + (ours as Figure).summary.samples;
    if (stats.tiers.redis.hits !== expected || stats.layers.result.computations !== 0) {
      throw new Error(`Redis hits: expected ${expected} Redis hits, saw ${stats.tiers.redis.hits}`);
    }
    if (reader.memory.getSync('result', keys[warmup] as string) === undefined) throw new Error('a Redis hit was not promoted into memory');
    section.row({
      id: `redis-hit-${size}`,
      operation: `Redis hit, decode and promotion included (${sizeLabel(size)})`,
      valueBytes: size,
      ours: ours as Figure,
      floor: raw as Figure,
      references: [rawDecoded as Figure],
      peers: peerFigures,
      note: 'The reference "raw getBuffer + our decoding" is the floor plus the codec alone: what is left above it is the engine (guard, promotion, bookkeeping).',
    });
  } finally {
    await reader.close();
    client.disconnect();
    for (const peer of peerReaders) await peer.close();
    await ctx.env.admin.flushdb();
  }
}

async function redisThroughput(ctx: BenchContext, section: SectionBuilder, size: number): Promise<void> {
  const concurrency = 128;
  ctx.log(`hits: Redis throughput at concurrency ${concurrency}`);
  const rounds = ctx.scale(5, 1);
  const perRound = ctx.scale(3_000, 600);
  const warmup = ctx.scale(1_000, 128);
  const keys = keyList('t', warmup + perRound * rounds);
  const values = ctx.answers(size, 256);
  const url = ctx.env.redis.url;
  const prefix = ctx.prefix('redis-c128');

  const writer = await openOurCache({ redisUrl: url, keyPrefix: prefix });
  await fillOurs(writer.cache, keys, values);
  await writer.close();
  const reader = await openOurCache({ redisUrl: url, keyPrefix: prefix });
  const pipelined = new Redis(url, { lazyConnect: true, enableAutoPipelining: true });
  const plain = new Redis(url, { lazyConnect: true });
  await pipelined.connect();
  await plain.connect();
  try {
    const [ours, autoFigure, plainFigure, decodedFigure] = await remoteRounds(
      [
        {
          label: 'ours',
          role: 'ours',
          call: `TieredCache.getOrCompute x${concurrency} in flight (memory miss, Redis hit)`,
          read: (key) => reader.cache.getOrCompute('result', key, mustNotCompute),
        },
        {
          label: 'raw ioredis getBuffer, auto-pipelined',
          role: 'floor',
          call: `ioredis getBuffer x${concurrency} in flight, enableAutoPipelining`,
          read: (key) => pipelined.getBuffer(`${prefix}result:${key}`),
        },
        {
          label: 'raw ioredis getBuffer',
          role: 'floor',
          call: `ioredis getBuffer x${concurrency} in flight`,
          read: (key) => plain.getBuffer(`${prefix}result:${key}`),
        },
        {
          label: 'raw auto-pipelined getBuffer + our decoding',
          role: 'floor',
          call: `ioredis getBuffer x${concurrency} in flight, enableAutoPipelining, then decodeFrame + decodeValue`,
          read: async (key) => decodeStored(await pipelined.getBuffer(`${prefix}result:${key}`)),
        },
      ],
      keys,
      warmup,
      perRound,
      rounds,
      concurrency,
    );
    if (reader.cache.stats.tiers.redis.hits !== warmup + (ours as Figure).summary.samples) {
      throw new Error('Redis throughput: not every read was a Redis hit');
    }
    section.row({
      id: 'redis-throughput-c128',
      operation: `Redis hits at concurrency ${concurrency} (${sizeLabel(size)})`,
      valueBytes: size,
      ours: ours as Figure,
      floor: autoFigure as Figure,
      references: [plainFigure as Figure, decodedFigure as Figure],
      peers: [],
      compareOn: 'throughput',
      note: 'Compared on throughput (operations per second).',
    });
  } finally {
    await reader.close();
    pipelined.disconnect();
    plain.disconnect();
    await ctx.env.admin.flushdb();
  }
}

async function surrealHits(
  ctx: BenchContext,
  section: SectionBuilder,
  size: number,
  store: SurrealStore,
  raw: RawSurreal,
): Promise<void> {
  ctx.log(`hits: SurrealDB, ${sizeLabel(size)}`);
  const count = ctx.scale(size <= 4096 ? 1_500 : size <= 32768 ? 800 : 300, 160);
  const rounds = ctx.scale(5, 1);
  const perRound = Math.floor(count / rounds);
  const warmup = Math.ceil(count / 5);
  const prefix = ctx.prefix(`s${size}`).replace(/:$/, '-');
  const keys = keyList(prefix, warmup + count);
  const values = ctx.answers(size, Math.min(keys.length, 256));
  const surreal = sharedStore(store);

  const writer = await openOurCache({ surreal });
  await fillOurs(writer.cache, keys, values);
  await writer.close();
  // The raw database holds the same rows (same encoded bytes, same fields), written the same way.
  const now = Date.now();
  for (let start = 0; start < keys.length; start += 200) {
    const rows = keys.slice(start, start + 200).map((key, offset) => {
      const value = encodeValue(values[(start + offset) % values.length]);
      return {
        id: raw.recordId(`result:${key}`),
        content: { layer: 'result', key, value, size: value.byteLength, created_at: now, expires_at: now + HOUR_MS },
      };
    });
    await raw.db.query('FOR $row IN $rows { UPSERT $row.id CONTENT $row.content RETURN NONE; }', { rows }).collect();
  }
  const reader = await openOurCache({ surreal });
  try {
    const [ours, select, query, selectDecoded] = await remoteRounds(
      [
        { label: 'ours', role: 'ours', call: 'TieredCache.getOrCompute (memory miss, SurrealDB hit)', read: (key) => reader.cache.getOrCompute('result', key, mustNotCompute) },
        { label: 'raw SurrealDB select', role: 'floor', call: 'db.select(RecordId), embedded surrealkv', read: (key) => raw.db.select(raw.recordId(`result:${key}`)) },
        {
          label: 'raw SurrealQL query',
          role: 'floor',
          call: 'db.query(SELECT ... FROM ONLY $id WHERE expires_at > $now)',
          read: (key) =>
            raw.db
              .query('SELECT `value`, created_at, expires_at FROM ONLY $id WHERE expires_at > $now', { id: raw.recordId(`result:${key}`), now: Date.now() })
              .collect()
              .then(([row]) => row),
        },
        {
          label: 'raw select + our decoding',
          role: 'floor',
          call: 'db.select(RecordId), then decodeValue of its bytes (no cache)',
          read: async (key) => {
            const row = (await raw.db.select(raw.recordId(`result:${key}`))) as { value?: Uint8Array } | undefined;
            return row?.value === undefined ? undefined : decodeValue(new Uint8Array(row.value));
          },
        },
      ],
      keys,
      warmup,
      perRound,
      rounds,
    );
    if (reader.cache.stats.tiers.surreal.hits !== warmup + (ours as Figure).summary.samples) {
      throw new Error('SurrealDB hits: not every read was a SurrealDB hit');
    }
    section.row({
      id: `surreal-hit-${size}`,
      operation: `SurrealDB hit, promotion included (${sizeLabel(size)})`,
      valueBytes: size,
      ours: ours as Figure,
      floor: select as Figure,
      references: [query as Figure, selectDecoded as Figure],
      peers: [],
      note: 'Cache over memory and SurrealDB only, as the floor has no Redis in front. The peers have no SurrealDB driver.',
    });
  } finally {
    await reader.close();
  }
}

/** What our engine does to bytes read from Redis, without the engine: strip the record frame, decode the value. */
function decodeStored(bytes: Buffer | null): unknown {
  if (bytes === null) return undefined;
  const record = decodeFrame(bytes);
  return record === undefined ? undefined : decodeValue(record.value);
}
