import type { DashboardSample } from './dashboardSample';

/**
 * The dashboard's time series of this window: a bounded ring of samples, at most two per `minGapMs`, so a burst
 * of events does not crowd out the history. Kept in memory only: hit rates and latencies are this window's
 * (the daily dollars, which outlive a reload, come from the ledger: see dailyHistory.ts).
 */
export class StatsHistory {
  private readonly samples: DashboardSample[] = [];

  constructor(
    private readonly maxSamples = 720,
    private readonly minGapMs = 1_000,
  ) {}

  add(sample: DashboardSample): void {
    // Compared with the sample before the last, so a steady stream of close events still moves forward.
    const beforeLast = this.samples[this.samples.length - 2];
    if (beforeLast && sample.t - beforeLast.t < this.minGapMs) this.samples[this.samples.length - 1] = sample;
    else this.samples.push(sample);
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
  }

  all(): DashboardSample[] {
    return [...this.samples];
  }

  clear(): void {
    this.samples.length = 0;
  }
}
