import { Packr } from 'msgpackr';
import { encodeValue } from '../../src/core/codec';
import { LRUCache } from 'lru-cache';
import { SectionBuilder, sizeLabel, type BenchContext } from '../lib/context';
import { collectGarbage } from '../lib/environment';
import { fillOurs, fillPeer, keyList } from '../lib/fill';
import { MIB, openOurCache } from '../lib/ourCache';
import { openBento, openCacheManager, type PeerCache } from '../lib/peers';
import type { Section } from '../report/results';

/** Heap plus off-heap buffers: a tier may keep either. */
function usedBytes(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * What an entry costs: heap per entry in each memory tier (the values are fresh copies only the cache holds),
 * Redis MEMORY USAGE per entry for each library's encoding, the compression our codec achieves on Claude-like
 * answers, and whether the memory tier keeps to its byte budget.
 */
export async function footprintSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'footprint',
    'Footprint',
    'Bytes per entry in memory (heap delta after a full GC) and in Redis (MEMORY USAGE), compression of the stored encoding, and the memory budget.',
  );
  const heapRows: Array<Array<string | number>> = [];
  const redisRows: Array<Array<string | number>> = [];
  const compressionRows: Array<Array<string | number>> = [];
  const packr = new Packr({ useRecords: false });
  for (const size of ctx.valueSizes) {
    ctx.log(`footprint: ${sizeLabel(size)}`);
    const count = Math.max(20, Math.min(ctx.scale(2_000, 200), Math.floor((24 * MIB) / size)));
    const answers = ctx.answers(size, count);
    const json = answers.map((answer) => JSON.stringify(answer));
    // JSON.parse makes flat strings of its own: the cache is then the only holder of each value.
    const fresh = (i: number): unknown => JSON.parse(json[i % json.length] as string);
    const keys = keyList('f', count);
    const jsonBytes = mean(json.map((text) => Buffer.byteLength(text)));

    const heap = async (fill: () => Promise<unknown>): Promise<number> => {
      const before = usedBytes();
      const holder = await fill();
      const after = usedBytes();
      // Keep the holder alive until the second reading.
      if (holder === undefined) throw new Error('footprint: nothing was held');
      return Math.round((after - before) / count);
    };
    const mapBytes = await heap(async () => {
      const map = new Map<string, unknown>();
      keys.forEach((key, i) => map.set(key, fresh(i)));
      return map;
    });
    const lruBytes = await heap(async () => {
      const lru = new LRUCache<string, object>({ max: count });
      keys.forEach((key, i) => lru.set(key, fresh(i) as object));
      return lru;
    });
    const ours = await openOurCache({ memoryBudgetBytes: 512 * MIB });
    const oursBytes = await heap(async () => {
      for (let i = 0; i < count; i++) await ours.cache.set('result', keys[i] as string, fresh(i));
      return ours;
    });
    await ours.close();
    const peerOptions = { prefix: ctx.prefix('fp'), memoryBudgetBytes: 512 * MIB, memoryEntries: count };
    const peerHeap = async (peer: PeerCache): Promise<number> => {
      const bytes = await heap(async () => {
        for (let i = 0; i < count; i++) await peer.set(keys[i] as string, fresh(i));
        return peer;
      });
      await peer.close();
      return bytes;
    };
    const bentoOff = await peerHeap(openBento({ ...peerOptions, serializeL1: false }));
    const bentoOn = await peerHeap(openBento({ ...peerOptions, serializeL1: true }));
    const manager = await peerHeap(openCacheManager(peerOptions));
    heapRows.push([sizeLabel(size), count, Math.round(jsonBytes), mapBytes, lruBytes, oursBytes, bentoOff, bentoOn, manager]);

    // Redis: each library writes the same values its own way; MEMORY USAGE of every key, averaged.
    const url = ctx.env.redis.url;
    const redisCount = Math.min(count, ctx.scale(300, 40));
    const redisKeys = keys.slice(0, redisCount);
    const prefix = ctx.prefix('fpr');
    const writer = await openOurCache({ redisUrl: url, keyPrefix: `${prefix}ours:` });
    await fillOurs(writer.cache, redisKeys, answers);
    await writer.close();
    const bento = openBento({ redisUrl: url, prefix: `${prefix}bento:`, serializeL1: true, memoryBudgetBytes: 512 * MIB, memoryEntries: count });
    await fillPeer(bento, redisKeys, answers);
    await bento.close();
    const cm = openCacheManager({ redisUrl: url, prefix: `${prefix}cm:`, memoryBudgetBytes: 512 * MIB, memoryEntries: count });
    await fillPeer(cm, redisKeys, answers);
    await cm.close();
    const usage = async (match: string): Promise<{ keys: number; bytes: number }> => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await ctx.env.admin.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        found.push(...batch);
      } while (cursor !== '0');
      let bytes = 0;
      for (const key of found) bytes += Number(await ctx.env.admin.memory('USAGE', key, 'SAMPLES', 0));
      return { keys: found.length, bytes: found.length === 0 ? 0 : bytes / found.length };
    };
    const oursRedis = await usage(`${prefix}ours:*`);
    const bentoRedis = await usage(`${prefix}bento:*`);
    const cmRedis = await usage(`*${prefix}cm:*`);
    for (const [name, found] of [['ours', oursRedis], ['BentoCache', bentoRedis], ['cache-manager', cmRedis]] as const) {
      if (found.keys !== redisCount) throw new Error(`footprint: ${name} left ${found.keys} keys in Redis, expected ${redisCount}`);
    }
    redisRows.push([sizeLabel(size), redisCount, Math.round(jsonBytes), Math.round(oursRedis.bytes), Math.round(bentoRedis.bytes), Math.round(cmRedis.bytes)]);
    await ctx.env.admin.flushdb();

    const stored = mean(answers.map((answer) => encodeValue(answer).byteLength));
    const packed = mean(answers.map((answer) => packr.pack(answer).byteLength));
    compressionRows.push([sizeLabel(size), Math.round(jsonBytes), Math.round(packed), Math.round(stored), +(jsonBytes / stored).toFixed(2), +(packed / stored).toFixed(2)]);
  }
  section.table({
    id: 'heap-per-entry',
    title: 'Heap per entry in the memory tier (bytes; values held by the cache alone)',
    columns: ['value', 'entries', 'value as JSON', 'Map', 'LRUCache', 'ours', 'Bento (serializeL1 off)', 'Bento (serializeL1 on)', 'cache-manager'],
    rows: heapRows,
    note: 'process.memoryUsage() heapUsed + arrayBuffers after a full GC, before and after filling, divided by entries. V8 keeps one-byte strings for ASCII text, so a decoded answer costs about its length.',
  });
  section.table({
    id: 'redis-per-entry',
    title: 'Redis MEMORY USAGE per entry (bytes)',
    columns: ['value', 'entries', 'value as JSON', 'ours (MessagePack + LZ4, framed)', 'BentoCache (JSON)', 'cache-manager (Keyv JSON)'],
    rows: redisRows,
  });
  section.table({
    id: 'compression',
    title: 'Compression of Claude-like answers by our codec (mean bytes)',
    columns: ['value', 'JSON', 'MessagePack', 'stored (MessagePack, LZ4 when it saves 10 %)', 'JSON / stored', 'MessagePack / stored'],
    rows: compressionRows,
  });
  await budgetTable(ctx, section);
  return section.build();
}

/** Fills a memory tier to twice its budget: it must keep its accounted bytes within the budget by evicting. */
async function budgetTable(ctx: BenchContext, section: SectionBuilder): Promise<void> {
  const budget = ctx.scale(16, 2) * MIB;
  const size = 4096;
  const answers = ctx.answers(size, 256);
  const json = answers.map((answer) => JSON.stringify(answer));
  const stored = encodeValue(answers[0]).byteLength;
  const count = Math.ceil((2 * budget) / stored);
  const ours = await openOurCache({ memoryBudgetBytes: budget });
  try {
    const before = usedBytes();
    for (let i = 0; i < count; i++) await ours.cache.set('result', `b${i}`, JSON.parse(json[i % json.length] as string));
    const heapDelta = usedBytes() - before;
    const usage = await ours.memory.usage('result');
    const evictions = ours.memory.evictions('result');
    section.table({
      id: 'memory-budget',
      title: 'Memory tier against its budget (result layer, 4 KB answers, filled to twice the budget)',
      columns: ['budget (MB)', 'entries written', 'entries kept', 'evictions', 'accounted bytes (MB)', 'accounted / budget', 'heap delta (MB)', 'heap / budget'],
      rows: [
        [
          +(budget / MIB).toFixed(1),
          count,
          usage.entries,
          evictions,
          +(usage.bytes / MIB).toFixed(2),
          +(usage.bytes / budget).toFixed(3),
          +(heapDelta / MIB).toFixed(2),
          +(heapDelta / budget).toFixed(2),
        ],
      ],
      note: 'The budget counts encoded (compressed) bytes, which is what the tier can measure cheaply; the decoded values it holds take more heap than that.',
    });
    if (usage.bytes > budget) throw new Error(`the memory tier holds ${usage.bytes} bytes over a budget of ${budget}`);
  } finally {
    await ours.close();
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}
