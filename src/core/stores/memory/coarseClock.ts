import { systemClock, type Clock } from '../../clock';
import { systemTimers, type Timers } from '../../timers';

/**
 * A clock reading reused for `resolutionMs`: reading the clock costs more than a memory hit's LRU lookup, so one
 * reading serves every hit within the resolution (lru-cache's ttlResolution idea). A resolution of 0 reads the
 * clock every time.
 */
export class CoarseClock {
  private readonly resolutionMs: number;
  /** The last reading while it is fresh enough to reuse; 0 when the clock must be read again. */
  private cachedNow = 0;
  private readonly forgetNow = (): void => {
    this.cachedNow = 0;
  };

  /** Default resolution: 1 ms for the system clock, 0 for an injected one (tests that move it see exact expiry). */
  constructor(
    private readonly clock: Clock,
    resolutionMs?: number,
    /** What forgets a reading once the resolution passed; tests hand in a ManualClock. */
    private readonly timers: Timers = systemTimers,
  ) {
    this.resolutionMs = Math.max(0, resolutionMs ?? (clock === systemClock ? 1 : 0));
  }

  now(): number {
    if (this.cachedNow !== 0) return this.cachedNow;
    const now = this.clock.now();
    if (this.resolutionMs > 0) {
      this.cachedNow = now;
      this.timers.setTimeout(this.forgetNow, this.resolutionMs).unref();
    }
    return now;
  }
}
