import { dayOf, type DailyCost } from '../../core/cost';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days the dashboard shows: the ledger keeps more, a month is what a person compares against a bill. */
export const DAILY_HISTORY_DAYS = 30;

/** One UTC day of the ledger as the dashboard draws it; plain JSON, posted to the webview as is. */
export interface DailyPoint {
  /** YYYY-MM-DD, UTC (the ledger's day). */
  day: string;
  spentUsd: number;
  savedByLocalHitsUsd: number;
  /** May be negative: a day whose cache writes cost more than its cache reads saved. */
  savedByProviderCacheUsd: number;
  /** Saved on a day recorded before the ledger kept the sources apart. */
  savedUnattributedUsd: number;
  upstreamCalls: number;
  avoidedCalls: number;
}

/** Dollars per 30 days at the rate of the complete days in the history. */
export interface MonthlyProjection {
  savedUsd: number;
  spentUsd: number;
  /** Complete days the rate was measured over. */
  days: number;
}

/**
 * The last `count` UTC days up to today, oldest first, one point per day (a day without calls is zeros, so the
 * chart's time axis is even), from the ledger's per-day figures: these are read from ledger.json, so the
 * history is the same after a window reload and counts every window and CLI run that shares the storage folder.
 */
export function dailyHistory(days: readonly DailyCost[], now: number, count = DAILY_HISTORY_DAYS): DailyPoint[] {
  const byDay = new Map(days.map((entry) => [entry.day, entry]));
  const points: DailyPoint[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const day = dayOf(now - back * DAY_MS);
    const entry = byDay.get(day);
    const local = entry?.savedByLocalHitsUsd ?? 0;
    const provider = entry?.savedByProviderCacheUsd ?? 0;
    const unattributed = (entry?.savedUsd ?? 0) - local - provider;
    points.push({
      day,
      spentUsd: entry?.spentUsd ?? 0,
      savedByLocalHitsUsd: local,
      savedByProviderCacheUsd: provider,
      // Float sums leave dust; only a real remainder is shown as a source of its own.
      savedUnattributedUsd: Math.abs(unattributed) < 1e-9 ? 0 : unattributed,
      upstreamCalls: entry?.upstreamCalls ?? 0,
      avoidedCalls: entry?.avoidedCalls ?? 0,
    });
  }
  return points;
}

/**
 * Savings and spending over 30 days at the rate of the complete days (today excluded: it is not over), from
 * the first day with a call. Undefined before one complete day exists: minutes of use extrapolate a burst (3
 * minutes once read as "$200 per month"), not a rate.
 */
export function projectMonthly(points: readonly DailyPoint[]): MonthlyProjection | undefined {
  const complete = points.slice(0, -1);
  const first = complete.findIndex((point) => point.upstreamCalls + point.avoidedCalls > 0);
  if (first < 0) return undefined;
  const measured = complete.slice(first);
  let savedUsd = 0;
  let spentUsd = 0;
  for (const point of measured) {
    savedUsd += point.savedByLocalHitsUsd + point.savedByProviderCacheUsd + point.savedUnattributedUsd;
    spentUsd += point.spentUsd;
  }
  const scale = DAILY_HISTORY_DAYS / measured.length;
  return { savedUsd: savedUsd * scale, spentUsd: spentUsd * scale, days: measured.length };
}
