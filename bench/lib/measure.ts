import { createHistogram, monitorEventLoopDelay, type RecordableHistogram } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** One measured operation: latency percentiles (HDR histogram), mean and throughput. */
export interface LatencySummary {
  samples: number;
  /**
   * Mean time per operation: wall time / operations for serial runs, wall time x concurrency / operations
   * otherwise. Over several rounds, the median of the rounds' means.
   */
  meanNs: number;
  p50Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
  /** Over several rounds, the median of the rounds' figures. */
  opsPerSec: number;
  /** Operations whose result was not the hit (or value) the caller expected; must be 0 for a hit figure. */
  misses: number;
  rounds: number;
  /** Event-loop delay while it ran (perf_hooks monitorEventLoopDelay), when it was watched. */
  eventLoopP99Ms?: number;
  eventLoopMaxMs?: number;
}

export interface SyncOptions {
  iterations: number;
  /** Calls before timing starts. */
  warmup?: number;
  /** Called with each result; false counts a miss (e.g. `undefined` where a hit was expected). */
  expect?: (result: unknown) => boolean;
  /** Stops early once this much time was spent timing, so slow systems cannot stretch a run. */
  budgetMs?: number;
  /** Accumulates into this recorder (several rounds of one figure). */
  recorder?: Recorder;
}

export interface AsyncOptions extends SyncOptions {
  /** Timed calls get indices offset..offset+iterations-1, so rounds of one case can use disjoint keys. */
  offset?: number;
  /** What warm-up calls run (default: `op`); lets a case warm up on keys the timed calls never touch. */
  warmupOp?: (i: number) => Promise<unknown>;
  concurrency?: number;
  /** Each worker yields to the event loop after this many operations (outside the timed code), so timers run. */
  yieldEvery?: number;
  /** Watch event-loop delay during the run. */
  watchEventLoop?: boolean;
}

let defaultBudgetMs = 2_000;
const EVENT_LOOP_RESOLUTION_MS = 5;

/** The time budget of every measurement that does not name its own (a smoke run uses a small one). */
export function setDefaultBudgetMs(ms: number): void {
  defaultBudgetMs = ms;
}

/** Cost of reading the clock twice, subtracted from per-operation samples of synchronous work. */
let clockOverheadNs: number | undefined;

function clockOverhead(): number {
  if (clockOverheadNs !== undefined) return clockOverheadNs;
  const samples: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const start = process.hrtime.bigint();
    samples.push(Number(process.hrtime.bigint() - start));
  }
  samples.sort((a, b) => a - b);
  clockOverheadNs = samples[samples.length >> 1] as number;
  return clockOverheadNs;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Collects one figure's samples over one or more rounds. */
export class Recorder {
  readonly histogram: RecordableHistogram = createHistogram({ lowest: 1, highest: 60_000_000_000, figures: 3 });
  private readonly roundMeans: number[] = [];
  private readonly roundRates: number[] = [];
  private samples = 0;
  private misses = 0;
  private eventLoopP99: number[] = [];
  private eventLoopMax = 0;

  addRound(wallNs: number, operations: number, concurrency: number, misses: number): void {
    if (operations === 0) return;
    this.roundMeans.push((wallNs * concurrency) / operations);
    this.roundRates.push(operations / (wallNs / 1e9));
    this.samples += operations;
    this.misses += misses;
  }

  addEventLoop(p99Ms: number, maxMs: number): void {
    this.eventLoopP99.push(p99Ms);
    this.eventLoopMax = Math.max(this.eventLoopMax, maxMs);
  }

  summary(): LatencySummary {
    const summary: LatencySummary = {
      samples: this.samples,
      meanNs: median(this.roundMeans),
      p50Ns: this.histogram.percentile(50),
      p99Ns: this.histogram.percentile(99),
      p999Ns: this.histogram.percentile(99.9),
      maxNs: this.histogram.max,
      opsPerSec: median(this.roundRates),
      misses: this.misses,
      rounds: this.roundMeans.length,
    };
    if (this.eventLoopP99.length > 0) {
      summary.eventLoopP99Ms = median(this.eventLoopP99);
      summary.eventLoopMaxMs = this.eventLoopMax;
    }
    return summary;
  }
}

/**
 * Times a synchronous operation twice over the same indices: once in a tight loop (the mean, free of timer
 * cost) and once per call (the percentiles, with the clock's own cost subtracted). Sub-100 ns operations are
 * only meaningful as the mean; their percentiles are bounded by the clock's resolution.
 */
export function measureSync(op: (i: number) => unknown, options: SyncOptions): LatencySummary {
  const recorder = options.recorder ?? new Recorder();
  const overhead = clockOverhead();
  const warmup = options.warmup ?? Math.min(options.iterations, 10_000);
  let misses = 0;
  const expect = options.expect ?? (() => true);
  for (let i = 0; i < warmup; i++) if (!expect(op(i))) misses++;
  if (misses > 0) throw new Error(`warm-up: ${misses} of ${warmup} operations did not return what was expected`);
  const budgetNs = BigInt(Math.round((options.budgetMs ?? defaultBudgetMs) * 1e6)) / 2n;
  const start = process.hrtime.bigint();
  let iterations = options.iterations;
  for (let i = 0; i < iterations; i++) {
    if (!expect(op(i))) misses++;
    if ((i & 1023) === 1023 && process.hrtime.bigint() - start > budgetNs) iterations = i + 1;
  }
  const wallNs = Number(process.hrtime.bigint() - start);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    const result = op(i);
    const elapsed = Number(process.hrtime.bigint() - t0) - overhead;
    recorder.histogram.record(Math.max(1, elapsed));
    if (!expect(result)) misses++;
  }
  recorder.addRound(wallNs, iterations, 1, misses);
  return recorder.summary();
}

/**
 * Times an asynchronous operation with `concurrency` workers sharing the index space. Each sample is one
 * awaited call; the mean comes from wall time (so it includes the await every caller pays).
 */
export async function measureAsync(op: (i: number) => Promise<unknown>, options: AsyncOptions): Promise<LatencySummary> {
  const recorder = options.recorder ?? new Recorder();
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const expect = options.expect ?? (() => true);
  const warmup = options.warmup ?? 0;
  const warmupOp = options.warmupOp ?? op;
  for (let i = 0; i < warmup; i++) {
    if (!expect(await warmupOp(i))) throw new Error(`warm-up operation ${i} did not return what was expected`);
  }
  const offset = options.offset ?? 0;
  const yieldEvery = options.yieldEvery ?? 0;
  let next = 0;
  let misses = 0;
  let stopAt = options.iterations;
  const deadline = process.hrtime.bigint() + BigInt(Math.round((options.budgetMs ?? defaultBudgetMs) * 1e6));
  const eventLoop = options.watchEventLoop ? monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS }) : undefined;
  eventLoop?.enable();
  const worker = async (): Promise<void> => {
    let done = 0;
    for (;;) {
      const i = next++;
      if (i >= stopAt) return;
      const t0 = process.hrtime.bigint();
      const result = await op(offset + i);
      const t1 = process.hrtime.bigint();
      recorder.histogram.record(Math.max(1, Number(t1 - t0)));
      if (!expect(result)) misses++;
      if (t1 > deadline && stopAt === options.iterations) stopAt = Math.min(next, options.iterations);
      if (yieldEvery > 0 && ++done % yieldEvery === 0) await yieldToLoop();
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallNs = Number(process.hrtime.bigint() - start);
  eventLoop?.disable();
  recorder.addRound(wallNs, Math.min(stopAt, options.iterations), concurrency, misses);
  if (eventLoop && eventLoop.count > 0) {
    // The histogram holds the intervals between the monitor's ticks; the delay is what exceeds the resolution.
    const delay = (ns: number): number => Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS);
    recorder.addEventLoop(delay(eventLoop.percentile(99)), delay(eventLoop.max));
  }
  return recorder.summary();
}

/**
 * Runs several cases round-robin, `rounds` times, each case into its own recorder: load from elsewhere on the
 * machine then falls on every case alike, and the median round is what each figure reports.
 */
export async function interleave(
  rounds: number,
  cases: ReadonlyArray<(round: number, recorder: Recorder) => Promise<unknown>>,
): Promise<LatencySummary[]> {
  const recorders = cases.map(() => new Recorder());
  for (let round = 0; round < rounds; round++) {
    for (let index = 0; index < cases.length; index++) {
      await (cases[index] as (round: number, recorder: Recorder) => Promise<unknown>)(round, recorders[index] as Recorder);
    }
  }
  return recorders.map((recorder) => recorder.summary());
}

/** Timings of a whole operation repeated a few times (cold starts, invalidation of a full layer). */
export async function measureRepeated(runs: number, op: (run: number) => Promise<number | void>): Promise<LatencySummary> {
  const recorder = new Recorder();
  for (let run = 0; run < runs; run++) {
    const t0 = process.hrtime.bigint();
    const inner = await op(run);
    // An op may time its own critical section (excluding its setup) and hand back nanoseconds.
    const elapsed = typeof inner === 'number' ? inner : Number(process.hrtime.bigint() - t0);
    recorder.histogram.record(Math.max(1, Math.round(elapsed)));
    recorder.addRound(elapsed, 1, 1, 0);
  }
  return recorder.summary();
}

export const isDefined = (value: unknown): boolean => value !== undefined && value !== null;

/** Yields to the event loop, so pending I/O and timers run between cases. */
export const settle = (): Promise<void> => yieldToLoop().then(() => undefined);
