import { EventEmitter } from 'node:events';
import { figure, SectionBuilder, sizeLabel, type BenchContext } from '../lib/context';
import { interleave, measureAsync, type LatencySummary, type Recorder } from '../lib/measure';
import { fillOurs, fillPeer } from '../lib/fill';
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
 * is set. Each system replays the same pre-drawn sequence (a warm-up stretch, then timed rounds taken in turn
 * with the others), bounded by time and by the bytes it may write. Every system gets the same memory budget.
 */
export async function workloadsSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'workloads',
    'Workloads',
    `getOrCompute/set mixes over Zipf-distributed keys through memory (${MEMORY_BUDGET / MIB} MB budget each) and Redis, side by side. ` +
      'Each key space and value size is one long-running session per library: the hottest keys are written first (as an editor ' +
      'that has run for a while would hold them), then every mix runs on it in turn.',
  );
  const rows: Array<Array<string | number>> = [];
  const ratios: { bento: number[]; manager: number[]; behindOverManager: number[] } = { bento: [], manager: [], behindOverManager: [] };
  let standard: { ours: LatencySummary; bento: LatencySummary; manager: LatencySummary } | undefined;
  for (const group of groups(ctx)) {
    const keys = Array.from({ length: group.keys }, (_, i) => `w${i}`);
    const values = ctx.answers(group.valueBytes, 256);
    const prefix = ctx.prefix('wl');
    ctx.log(`workloads: ${group.keys} keys of ${sizeLabel(group.valueBytes)}, prefilling`);
    // Zipf rank r is key r: prefilling the first keys prefills the hottest.
    const prefill = keys.slice(0, Math.min(group.keys, ctx.scale(8_000, 500), Math.floor((32 * MIB) / group.valueBytes)));
    const systems = await openSystems(ctx, group, prefix);
    try {
      await fillOurs(systems.ours.cache, prefill, values);
      await fillOurs(systems.oursBehind.cache, prefill, values);
      await fillPeer(systems.bento.peer, prefill, values);
      await fillPeer(systems.manager.peer, prefill, values);
      for (const cell of group.cells) {
        ctx.log(`workloads: s=${cell.s} keys=${cell.keys} ${sizeLabel(cell.valueBytes)} ${cell.readPercent}:${100 - cell.readPercent} c=${cell.concurrency}`);
        const opsCap = Math.min(ctx.scale(6_000, 800), Math.floor((96 * MIB) / cell.valueBytes));
        const seed = Math.round(cell.s * 100) * 1_000 + cell.readPercent * 10 + cell.concurrency;
        const sequence = new ZipfSampler(cell.keys, cell.s, seed).sequence(opsCap * 2);
        const writeRoll = seededRandom(seed + 1);
        const writes = Uint8Array.from({ length: sequence.length }, () => (writeRoll() * 100 >= cell.readPercent ? 1 : 0));
        const workload: Workload = { sequence, writes, keys, values, opsCap };
        const [ours, bento, manager, oursBehind] = (await driveCell(
          ctx,
          cell,
          [systems.ours.system, systems.bento.system, systems.manager.system, systems.oursBehind.system],
          workload,
        )) as [CellResult, CellResult, CellResult, CellResult];
        const memoryBytes = (await systems.ours.memory.usage('result')).bytes;
        const bentoRatio = ours.summary.opsPerSec / bento.summary.opsPerSec;
        const managerRatio = ours.summary.opsPerSec / manager.summary.opsPerSec;
        ratios.bento.push(bentoRatio);
        ratios.manager.push(managerRatio);
        const behindRatio = oursBehind.summary.opsPerSec / manager.summary.opsPerSec;
        ratios.behindOverManager.push(behindRatio);
        if (cell.s === 1.0 && cell.keys === 10_000 && cell.valueBytes === 4096 && cell.readPercent === 95 && cell.concurrency === 16) {
          standard = { ours: ours.summary, bento: bento.summary, manager: manager.summary };
        }
        rows.push([
          cell.s,
          cell.keys,
          sizeLabel(cell.valueBytes),
          `${cell.readPercent}:${100 - cell.readPercent}`,
          cell.concurrency,
          Math.round(ours.summary.opsPerSec),
          micros(ours.summary.p50Ns),
          micros(ours.summary.p99Ns),
          micros(ours.summary.p999Ns),
          percent(ours.memoryHits, ours.reads),
          percent(ours.redisHits, ours.reads),
          perThousand(ours.computations, ours.reads),
          loopDelay(ours.summary),
          `${(memoryBytes / MIB).toFixed(1)}/${MEMORY_BUDGET / MIB}`,
          Math.round(bento.summary.opsPerSec),
          micros(bento.summary.p99Ns),
          percent(bento.memoryHits, bento.reads),
          perThousand(bento.computations, bento.reads),
          loopDelay(bento.summary),
          Math.round(manager.summary.opsPerSec),
          micros(manager.summary.p99Ns),
          perThousand(manager.computations, manager.reads),
          loopDelay(manager.summary),
          +bentoRatio.toFixed(2),
          +managerRatio.toFixed(2),
          Math.round(oursBehind.summary.opsPerSec),
          +behindRatio.toFixed(2),
        ]);
      }
    } finally {
      await systems.ours.cache.close();
      await systems.oursBehind.cache.close();
      await systems.bento.peer.close();
      await systems.manager.peer.close();
      await ctx.env.admin.flushdb();
    }
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
      'Bento loop p99 ms',
      'c-m ops/s',
      'c-m p99',
      'c-m comp/1000',
      'c-m loop p99 ms',
      'ours/Bento',
      'ours/c-m',
      'ours w-b ops/s',
      'ours w-b/c-m',
    ],
    rows,
    note:
      'BentoCache with serializeL1 on (its default) and a 32 MB L1; cache-manager with Keyv\'s default in-memory Map (unbounded: the README\'s lru-cache ' +
      'setup drops every set under lru-cache 11 once a TTL is given) then @keyv/redis, JSON serialization (its default). ' +
      'Hit ratios are of reads; computations per 1000 reads count misses that ran the compute. Loop p99 is the perf_hooks event-loop delay beyond its 5 ms sampling interval while the cell ran (workers yield every 32 calls); a tight run of memory hits delays the loop however cheap each hit is.',
  });
  section.metric('geomeanOverBento', geomean(ratios.bento));
  section.metric('geomeanOverCacheManager', geomean(ratios.manager));
  section.metric('geomeanWriteBehindOverCacheManager', geomean(ratios.behindOverManager));
  section.table({
    id: 'workload-summary',
    title: 'Throughput ratios over the whole matrix',
    columns: ['comparison', 'cells', 'geometric mean', 'min', 'max'],
    rows: [
      ['ours / BentoCache (serializeL1 on)', ratios.bento.length, +geomean(ratios.bento).toFixed(2), +Math.min(...ratios.bento).toFixed(2), +Math.max(...ratios.bento).toFixed(2)],
      ['ours / cache-manager', ratios.manager.length, +geomean(ratios.manager).toFixed(2), +Math.min(...ratios.manager).toFixed(2), +Math.max(...ratios.manager).toFixed(2)],
      [
        'ours in write-behind mode / cache-manager',
        ratios.behindOverManager.length,
        +geomean(ratios.behindOverManager).toFixed(2),
        +Math.min(...ratios.behindOverManager).toFixed(2),
        +Math.max(...ratios.behindOverManager).toFixed(2),
      ],
    ],
    note: 'The targets use ours as shipped (write-through). Write-behind (claudeCache.writeMode) acknowledges a set once memory holds it and writes Redis in batches; it is shown for reference.',
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

interface CellGroup {
  keys: number;
  valueBytes: number;
  cells: WorkloadCell[];
}

/** The matrix, grouped by key space and value size (one long-running session each). */
function groups(ctx: BenchContext): CellGroup[] {
  if (ctx.smoke) {
    return [
      { keys: 10_000, valueBytes: 4096, cells: [{ s: 1.0, keys: 10_000, valueBytes: 4096, readPercent: 95, concurrency: 16 }] },
      { keys: 100_000, valueBytes: 512, cells: [{ s: 0.8, keys: 100_000, valueBytes: 512, readPercent: 80, concurrency: 1 }] },
    ];
  }
  const result: CellGroup[] = [];
  for (const keys of [10_000, 100_000]) {
    for (const valueBytes of [512, 4096, 32768, 131072]) {
      const cells: WorkloadCell[] = [];
      for (const s of [0.8, 1.0, 1.2]) {
        for (const readPercent of [95, 80]) {
          for (const concurrency of [1, 16, 128]) cells.push({ s, keys, valueBytes, readPercent, concurrency });
        }
      }
      result.push({ keys, valueBytes, cells });
    }
  }
  return result;
}

type Op = (key: string, write: boolean, value: unknown) => Promise<unknown>;

/**
 * Runs a cell for every system: a warm-up stretch each, then timed rounds taken round-robin (ours, BentoCache,
 * cache-manager, ours, ...), so a disturbance from elsewhere on the machine lands on one round of one system
 * rather than on a whole figure; each figure is the median round. Every system replays the same calls, and the
 * counters are read around the timed rounds.
 */
async function driveCell(ctx: BenchContext, cell: WorkloadCell, systems: readonly System[], workload: Workload): Promise<CellResult[]> {
  const { sequence, writes, keys, values, opsCap } = workload;
  const caller = (system: System) => (i: number): Promise<unknown> => {
    const index = sequence[i] as number;
    const write = writes[i] === 1;
    return system.op(keys[index] as string, write, values[(index + (write ? 1 : 0)) % values.length]);
  };
  const common = { concurrency: cell.concurrency, yieldEvery: 32 };
  let warmedUpTo = 0;
  for (const system of systems) {
    const warm = await measureAsync(caller(system), { ...common, iterations: Math.floor(opsCap / 2), budgetMs: ctx.scale(100, 30) });
    warmedUpTo = Math.max(warmedUpTo, warm.samples);
  }
  const starts = systems.map((system) => system.counters());
  const reads = systems.map(() => 0);
  const rounds = ctx.scale(3, 1);
  const perRound = Math.floor((opsCap - warmedUpTo) / rounds);
  const summaries = await interleave(
    rounds,
    systems.map((system, index) => async (round: number, recorder: Recorder) => {
      const offset = warmedUpTo + round * perRound;
      const before = recorder.summary().samples;
      const summary = await measureAsync(caller(system), {
        ...common,
        iterations: perRound,
        offset,
        recorder,
        budgetMs: ctx.scale(70, 50),
        watchEventLoop: true,
      });
      for (let i = offset; i < offset + summary.samples - before; i++) if (writes[i] === 0) reads[index] = (reads[index] as number) + 1;
      return summary;
    }),
  );
  return systems.map((system, index) => {
    const end = system.counters();
    const start = starts[index] as Counters;
    return {
      summary: summaries[index] as LatencySummary,
      reads: reads[index] as number,
      computations: end.computations - start.computations,
      memoryHits: end.memoryHits - start.memoryHits,
      redisHits: end.redisHits - start.redisHits,
    };
  });
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

/** One library in a session: how a call runs and what its counters say. */
interface System {
  op: Op;
  counters(): Counters;
}

async function openSystems(ctx: BenchContext, group: CellGroup, prefix: string) {
  const ours = await openOurCache({ redisUrl: ctx.env.redis.url, keyPrefix: `${prefix}ours:`, memoryBudgetBytes: MEMORY_BUDGET });
  let oursComputations = 0;
  const oursSystem: System = {
    op: (key, write, value) =>
      write ? ours.cache.set('result', key, value) : ours.cache.getOrCompute('result', key, () => (oursComputations++, value)),
    counters: () => ({
      computations: oursComputations,
      memoryHits: ours.cache.stats.tiers.memory.hits,
      redisHits: ours.cache.stats.tiers.redis.hits,
    }),
  };
  const peer = (which: 'bento' | 'manager') => {
    const emitter = new EventEmitter();
    const hits = { l1: 0, l2: 0 };
    emitter.on('cache:hit', (event: { layer?: string }) => {
      if (event.layer === 'l2') hits.l2++;
      else hits.l1++;
    });
    const options = {
      redisUrl: ctx.env.redis.url,
      memoryBudgetBytes: MEMORY_BUDGET,
      memoryEntries: Math.max(1, Math.floor(MEMORY_BUDGET / group.valueBytes)),
    };
    const opened: PeerCache =
      which === 'bento'
        ? openBento({ ...options, prefix: `${prefix}bento:`, serializeL1: true, emitter })
        : openCacheManager({ ...options, prefix: `${prefix}cm:` });
    let computations = 0;
    const system: System = {
      op: (key, write, value) => (write ? opened.set(key, value) : opened.getOrCompute(key, () => (computations++, value))),
      counters: () => ({ computations, memoryHits: hits.l1, redisHits: hits.l2 }),
    };
    return { peer: opened, system };
  };
  const behind = await openOurCache({ redisUrl: ctx.env.redis.url, keyPrefix: `${prefix}oursWB:`, memoryBudgetBytes: MEMORY_BUDGET, writeMode: 'write-behind' });
  let behindComputations = 0;
  const behindSystem: System = {
    op: (key, write, value) =>
      write ? behind.cache.set('result', key, value) : behind.cache.getOrCompute('result', key, () => (behindComputations++, value)),
    counters: () => ({
      computations: behindComputations,
      memoryHits: behind.cache.stats.tiers.memory.hits,
      redisHits: behind.cache.stats.tiers.redis.hits,
    }),
  };
  return {
    ours: { cache: ours.cache, memory: ours.memory, system: oursSystem },
    oursBehind: { cache: behind.cache, system: behindSystem },
    bento: peer('bento'),
    manager: peer('manager'),
  };
}

/** Event-loop delay p99 in ms, or '–' when the cell ended before the monitor's first tick. */
function loopDelay(summary: LatencySummary): number | string {
  return summary.eventLoopP99Ms === undefined ? '–' : +summary.eventLoopP99Ms.toFixed(1);
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
