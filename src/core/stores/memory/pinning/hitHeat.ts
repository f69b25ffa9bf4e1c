/**
 * A read count that fades: reads since the last decay count fully, older ones halve every half-life. The hit path
 * only increments `hits`; the fading is applied later, in bulk, by HeatDecay, so a hit stays O(1) and allocation-free.
 */
export interface HeatCounted {
  /** Reads since the entry was written (incremented on every hit). */
  hits: number;
  /** The faded weight of the reads up to `hitsAtDecay`. */
  heat: number;
  /** `hits` when the heat was last brought up to date. */
  hitsAtDecay: number;
}

/** The entry's current heat: faded older reads plus every read since the last decay. */
export function heatOf(entry: HeatCounted): number {
  return entry.heat + (entry.hits - entry.hitsAtDecay);
}

/**
 * Fades an entry by `periods` half-lives. Reads since the last decay are taken to belong to the latest period,
 * so they lose one halving less than the heat that was already there.
 */
export function fade(entry: HeatCounted, periods: number): void {
  if (periods <= 0) return;
  const fresh = entry.hits - entry.hitsAtDecay;
  entry.heat = entry.heat * 0.5 ** periods + fresh * 0.5 ** (periods - 1);
  entry.hitsAtDecay = entry.hits;
}

/** Decides, from the cache clock, how many whole half-lives have passed since heat was last faded. */
export class HeatDecay {
  private lastDecayAt: number;

  constructor(
    private halfLifeMs: number,
    now: number,
  ) {
    this.lastDecayAt = now;
  }

  /** Whole half-lives due at `now`; the clock is moved on by that many, so each one is applied exactly once. */
  periodsDue(now: number): number {
    const periods = Math.floor((now - this.lastDecayAt) / this.halfLifeMs);
    if (periods <= 0) return 0;
    this.lastDecayAt += periods * this.halfLifeMs;
    return periods;
  }

  setHalfLife(halfLifeMs: number): void {
    this.halfLifeMs = halfLifeMs;
  }
}
