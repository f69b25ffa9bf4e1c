import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

export interface LatencySummary {
  count: number;
  p50Micros: number;
  p99Micros: number;
  maxMicros: number;
}

/** Operation latencies of one tier, in microseconds, on Node's HDR histogram (constant memory). */
export class LatencyHistogram {
  private readonly histogram: RecordableHistogram = createHistogram();

  recordSince(startNs: bigint): void {
    const micros = Number(process.hrtime.bigint() - startNs) / 1000;
    // The histogram takes integers >= 1; sub-microsecond memory hits count as 1 µs.
    this.histogram.record(Math.max(1, Math.round(micros)));
  }

  summary(): LatencySummary {
    const count = this.histogram.count;
    if (count === 0) return { count: 0, p50Micros: 0, p99Micros: 0, maxMicros: 0 };
    return {
      count,
      p50Micros: this.histogram.percentile(50),
      p99Micros: this.histogram.percentile(99),
      maxMicros: this.histogram.max,
    };
  }

  reset(): void {
    this.histogram.reset();
  }
}
