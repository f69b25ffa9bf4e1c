import { EventEmitter } from 'node:events';
import { figure, SectionBuilder, sizeLabel, type BenchContext } from '../lib/context';
import { measureAsync, type LatencySummary } from '../lib/measure';
import { MIB, openOurCache } from '../lib/ourCache';
import { openBento, openCacheManager, type PeerCache } from '../lib/peers';
import { seededRandom } from '../lib/random';
import { ZipfSampler } from '../lib/zipf';
import type { Section } from '../report/results';

/** One cell of the matrix. */
export interface WorkloadCell {
  s: number;
  keys: number;
  valueBytes: number;
  /** Percentage of calls that read (getOrCompute); the rest write (set). */
  readPercent: number;
  concurrency: number;
}

interface CellResult {
  summary: LatencySummary;
  computations: number;
  reads: number;
  memoryHits: number;
  redisHits: number;
}

/** Memory each system may use for the workload; larger values spill to Redis, which is the point. */
const MEMORY_BUDGET = 32 * MIB;

/**
 * The workload matrix: Zipf keys (s = 0.8, 1.0, 1.2) over 10k and 100k keys, values of 0.5 to 128 KB, 95:5 and
 * 80:20 read:write, 1, 16 and 128 calls in flight. A read is getOrCompute (a 0 ms compute on a miss), a write
 * is set. Each system runs the same pre-drawn sequence: a warm-up stretch, then the timed stretch, each bounded
 * by time and by the bytes it may write. Every system gets the same memory budget.
 */
export async function workloadsSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'workloads',
    'Workloads',
    `getOrCompute/set mixes over Zipf-distributed keys through memory (${MEMORY_BUDGET / MIB} MB budget each) and Redis, side by side.`,
  );
  const cells = matrix(ctx);
  const rows: Array<Array<string | number>> = [];
  const ratios: { bento: number[]; manager: number[] } = { bento: [], manager: [] };
  let standard: { ours: LatencySummary; bento: LatencySummary; manager: LatencySummary } | undefined;
  const samplers = new Map<string, ZipfSampler>();
  for (const cell of cells) {
    ctx.log(`workloads: s=${cell.s} keys=${cell.keys} ${sizeLabel(cell.valueBytes)} ${cell.readPercent}:${100 - cell.readPercent} c=${cell.concurrency}`);
    const samplerKey = `${cell.keys}/${cell.s}`;
    let sampler = samplers.get(samplerKey);
    if (!sampler) samplers.set(samplerKey, (sampler = new ZipfSampler(cell.keys, cell.s, 7)));
    const opsCap = Math.min(ctx.scale(6_000, 800), Math.floor((96 * MIB) / cell.valueBytes));
    const sequence = sampler.sequence(opsCap * 2);
    const writeRoll = seededRandom(11);
    const writes = Uint8Array.from({ length: sequence.length }, () => (writeRoll() * 100 >= cell.readPercent ? 1 : 0));
    const workload: Workload = {
      sequence,
      writes,
      keys: Array.from({ length: cell.keys }, (_, i) => `w${i}`),
      values: ctx.answers(cell.valueBytes, 256),
      opsCap,
    };
    const prefix = ctx.prefix('wl');
    const ours = await runOurs(ctx, cell, prefix, workload);
    const bento = await runPeer(ctx, cell, 'bento', prefix, workload);
    const manager = await runPeer(ctx, cell, 'manager', prefix, workload);
    await ctx.env.admin.flushdb();
    const bentoRatio = ours.summary.opsPerSec / bento.summary.opsPerSec;
    const managerRatio = ours.summary.opsPerSec / manager.summary.opsPerSec;
    ratios.bento.push(bentoRatio);
    ratios.manager.push(managerRatio);
    if (cell.s === 1.0 && cell.keys === 10_000 && cell.valueBytes === 4096 && cell.readPercent === 95 && cell.concurrency === 16) {
      standard = { ours: ours.summary, bento: bento.summary, manager: manager.summary };
    }
    const o = ours;
    rows.push([
      cell.s,
      cell.keys,
      sizeLabel(cell.valueBytes),
      `${cell.readPercent}:${100 - cell.readPercent}`,
      cell.concurrency,
      Math.round(o.summary.opsPerSec),
      micros(o.summary.p50Ns),
      micros(o.summary.p99Ns),
      micros(o.summary.p999Ns),
      percent(o.memoryHits, o.reads),
      percent(o.redisHits, o.reads),
      perThousand(o.computations, o.reads),
      +(o.summary.eventLoopP99Ms ?? 0).toFixed(1),
      `${(ours.memoryBytes / MIB).toFixed(1)}/${MEMORY_BUDGET / MIB}`,
      Math.round(bento.summary.opsPerSec),
      micros(bento.summary.p99Ns),
      percent(bento.memoryHits, bento.reads),
      perThousand(bento.computations, bento.reads),
      Math.round(manager.summary.opsPerSec),
      micros(manager.summary.p99Ns),
      perThousand(manager.computations, manager.reads),
      +bentoRatio.toFixed(2),
      +managerRatio.toFixed(2),
    ]);
  }
  section.table({
    id: 'workload-matrix',
    title: 'Workload matrix (ops/s, latency in µs, hit ratios in % of reads, computations per 1000 reads)',
    columns: [
      's',
      'keys',
      'value',
      'r:w',
      'conc',
      'ours ops/s',
      'ours p50',
      'ours p99',
      'ours p99.9',
      'ours mem hit %',
      'ours Redis hit %',
      'ours comp/1000',
      'ours loop p99 ms',
      'ours mem MB/budget',
      'Bento ops/s',
      'Bento p99',
      'Bento L1 hit %',
      'Bento comp/1000',
      'c-m ops/s',
      'c-m p99',
      'c-m comp/1000',
      'ours/Bento',
      'ours/c-m',
    ],
    rows,
    note:
      'BentoCache with serializeL1 on (its default), cache-manager with Keyv over lru-cache then @keyv/redis (JSON serialization, its default). ' +
      'Hit ratios are of reads; computations per 1000 reads count misses that ran the compute. Loop p99 is perf_hooks event-loop delay while the cell ran (workers yield every 32 calls).',
  });
  section.metric('geomeanOverBento', geomean(ratios.bento));
  section.metric('geomeanOverCacheManager', geomean(ratios.manager));
  section.table({
    id: 'workload-summary',
    title: 'Throughput ratios over the whole matrix',
    columns: ['comparison', 'cells', 'geometric mean', 'min', 'max'],
    rows: [
      ['ours / BentoCache (serializeL1 on)', ratios.bento.length, +geomean(ratios.bento).toFixed(2), +Math.min(...ratios.bento).toFixed(2), +Math.max(...ratios.bento).toFixed(2)],
      ['ours / cache-manager', ratios.manager.length, +geomean(ratios.manager).toFixed(2), +Math.min(...ratios.manager).toFixed(2), +Math.max(...ratios.manager).toFixed(2)],
    ],
  });
  if (standard) {
    section.row({
      id: 'workload-standard',
      operation: 'tiered getOrCompute workload: Zipf 1.0 over 10k keys, 4 KB, 95:5, 16 in flight',
      valueBytes: 4096,
      ours: figure('ours', 'ours', 'TieredCache.getOrCompute / set, memory + Redis', standard.ours),
      peers: [
        figure('BentoCache (serializeL1 on)', 'peer', 'bento.getOrSet / bento.set', standard.bento),
        figure('cache-manager', 'peer', 'cache.wrap / cache.set', standard.manager),
      ],
      compareOn: 'throughput',
      note: 'Compared on throughput.',
    });
  }
  return section.build();
}

function matrix(ctx: BenchContext): WorkloadCell[] {
  if (ctx.smoke) {
    return [
      { s: 1.0, keys: 10_000, valueBytes: 4096, readPercent: 95, concurrency: 16 },
      { s: 0.8, keys: 100_000, valueBytes: 512, readPercent: 80, concurrency: 1 },
    ];
  }
  const cells: WorkloadCell[] = [];
  for (const s of [0.8, 1.0, 1.2]) {
    for (const keys of [10_000, 100_000]) {
      for (const valueBytes of [512, 4096, 32768, 131072]) {
        for (const readPercent of [95, 80]) {
          for (const concurrency of [1, 16, 128]) cells.push({ s, keys, valueBytes, readPercent, concurrency });
        }
      }
    }
  }
  return cells;
}

type Op = (key: string, write: boolean, value: unknown) => Promise<unknown>;

interface Driven {
  summary: LatencySummary;
  /** Reads in the timed stretch. */
  reads: number;
}

/** Runs the warm-up stretch, calls `warmed` (so counters can be read there), then the timed stretch. */
async function drive(
  ctx: BenchContext,
  cell: WorkloadCell,
  op: Op,
  workload: Workload,
  warmed: () => void,
): Promise<Driven> {
  const { sequence, writes, keys, values, opsCap } = workload;
  const call = (i: number): Promise<unknown> => {
    const index = sequence[i] as number;
    const write = writes[i] === 1;
    return op(keys[index] as string, write, values[(index + (write ? 1 : 0)) % values.length]);
  };
  const common = { concurrency: cell.concurrency, yieldEvery: 32 };
  const warm = await measureAsync(call, { ...common, iterations: opsCap, budgetMs: ctx.scale(150, 40) });
  warmed();
  const summary = await measureAsync(call, {
    ...common,
    iterations: opsCap,
    offset: warm.samples,
    budgetMs: ctx.scale(250, 60),
    watchEventLoop: true,
  });
  let reads = 0;
  for (let i = warm.samples; i < warm.samples + summary.samples; i++) if (writes[i] === 0) reads++;
  return { summary, reads };
}

interface Workload {
  sequence: Int32Array;
  writes: Uint8Array;
  keys: string[];
  values: unknown[];
  opsCap: number;
}

interface Counters {
  computations: number;
  memoryHits: number;
  redisHits: number;
}

async function runOurs(ctx: BenchContext, cell: WorkloadCell, prefix: string, workload: Workload): Promise<CellResult & { memoryBytes: number }> {
  const ours = await openOurCache({ redisUrl: ctx.env.redis.url, keyPrefix: `${prefix}ours:`, memoryBudgetBytes: MEMORY_BUDGET });
  try {
    let computations = 0;
    const counters = (): Counters => ({
      computations,
      memoryHits: ours.cache.stats.tiers.memory.hits,
      redisHits: ours.cache.stats.tiers.redis.hits,
    });
    let start = counters();
    const driven = await drive(
      ctx,
      cell,
      (key, write, value) =>
        write ? ours.cache.set('result', key, value) : ours.cache.getOrCompute('result', key, () => (computations++, value)),
      workload,
      () => {
        start = counters();
      },
    );
    const end = counters();
    const usage = await ours.memory.usage('result');
    return {
      summary: driven.summary,
      reads: driven.reads,
      computations: end.computations - start.computations,
      memoryHits: end.memoryHits - start.memoryHits,
      redisHits: end.redisHits - start.redisHits,
      memoryBytes: usage.bytes,
    };
  } finally {
    await ours.close();
  }
}

async function runPeer(ctx: BenchContext, cell: WorkloadCell, which: 'bento' | 'manager', prefix: string, workload: Workload): Promise<CellResult> {
  const emitter = new EventEmitter();
  const hits = { l1: 0, l2: 0 };
  emitter.on('cache:hit', (event: { layer?: string }) => {
    if (event.layer === 'l2') hits.l2++;
    else hits.l1++;
  });
  const options = {
    redisUrl: ctx.env.redis.url,
    memoryBudgetBytes: MEMORY_BUDGET,
    memoryEntries: Math.max(1, Math.floor(MEMORY_BUDGET / cell.valueBytes)),
  };
  const peer: PeerCache =
    which === 'bento'
      ? openBento({ ...options, prefix: `${prefix}bento:`, serializeL1: true, emitter })
      : openCacheManager({ ...options, prefix: `${prefix}cm:` });
  try {
    let computations = 0;
    const counters = (): Counters => ({ computations, memoryHits: hits.l1, redisHits: hits.l2 });
    let start = counters();
    const driven = await drive(
      ctx,
      cell,
      (key, write, value) => (write ? peer.set(key, value) : peer.getOrCompute(key, () => (computations++, value))),
      workload,
      () => {
        start = counters();
      },
    );
    const end = counters();
    return {
      summary: driven.summary,
      reads: driven.reads,
      computations: end.computations - start.computations,
      memoryHits: end.memoryHits - start.memoryHits,
      redisHits: end.redisHits - start.redisHits,
    };
  } finally {
    await peer.close();
  }
}

function micros(ns: number): number {
  return Math.round(ns / 100) / 10;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10;
}

function perThousand(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((10_000 * part) / whole) / 10;
}

function geomean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  return Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
}
