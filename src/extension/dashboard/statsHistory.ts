import type { DashboardSample } from './dashboardSample';

const DAY_MS = 24 * 60 * 60 * 1000;
const MONTH_MS = 30 * DAY_MS;
/** Less than a day extrapolates a burst of use (3 minutes once read as "$200 per month"), not a rate. */
export const MIN_PROJECTION_WINDOW_MS = DAY_MS;

/** Dollars per 30 days at the rate seen over the samples kept. */
export interface MonthlyProjection {
  savedUsd: number;
  spentUsd: number;
  /** How much time the rate was measured over. */
  windowMs: number;
}

/**
 * The dashboard's time series: a bounded ring of samples, at most two per `minGapMs`, so a burst of events
 * does not crowd out the history.
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

  projection(): MonthlyProjection | undefined {
    return projectMonthly(this.samples);
  }
}

/**
 * Savings and spending over a month at the rate between the first and last sample. Undefined until the
 * samples span MIN_PROJECTION_WINDOW_MS, or when the ledger was reset in between (totals went down).
 */
export function projectMonthly(samples: readonly DashboardSample[]): MonthlyProjection | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return undefined;
  const windowMs = last.t - first.t;
  if (windowMs < MIN_PROJECTION_WINDOW_MS) return undefined;
  const saved = (sample: DashboardSample) => sample.savedByLocalHitsUsd + sample.savedByProviderCacheUsd;
  const savedDelta = saved(last) - saved(first);
  const spentDelta = last.spentUsd - first.spentUsd;
  if (spentDelta < 0 || last.avoidedCalls < first.avoidedCalls) return undefined;
  const scale = MONTH_MS / windowMs;
  return { savedUsd: savedDelta * scale, spentUsd: spentDelta * scale, windowMs };
}
