import type { Layer } from '../layers';

/** The thresholds alerts are raised at; the spec's targets by default. */
export interface AlertRules {
  /** Lowest acceptable hit rate per layer. */
  hitRateTargets: Record<Layer, number>;
  /** Lookups of a layer in the window before its hit rate is judged (one miss at startup is no alert). */
  minLookups: number;
  /** Evictions per memory write above which evictions are "high" (the budget is too small for the work). */
  maxEvictionRatio: number;
  /** Memory writes in the window before the eviction rate is judged. */
  minWrites: number;
  /** Share of the memory budget in use above which memory is "nearly full". */
  maxMemoryShare: number;
  /** Share of failed operations of a shared tier above which it is alerted. */
  maxTierErrorRate: number;
  /** Operations of a tier in the window before its error rate is judged. */
  minTierOperations: number;
  /** How far back alerts look. */
  windowMs: number;
}

export const DEFAULT_ALERT_RULES: AlertRules = {
  hitRateTargets: { prompt: 0.95, module: 0.9, context: 0.85, result: 0.7 },
  minLookups: 20,
  maxEvictionRatio: 0.5,
  minWrites: 20,
  maxMemoryShare: 0.8,
  maxTierErrorRate: 0.05,
  minTierOperations: 20,
  windowMs: 15 * 60_000,
};
