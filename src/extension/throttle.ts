import { systemTimers, type Timer, type Timers } from '../core/timers';

/**
 * Coalesces bursts of signals into at most one call per interval: the first signal schedules a call after
 * `intervalMs`, later ones within that window ride along. Views repaint from engine events this way instead of
 * once per cache hit.
 */
export class Throttle {
  private handle: Timer | undefined;
  private pending = false;
  private disposed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly callback: () => void,
    /** The engine's injectable timers: tests hand in a ManualClock and move it. */
    private readonly timers: Timers = systemTimers,
  ) {}

  schedule(): void {
    if (this.disposed || this.pending) return;
    this.pending = true;
    this.handle = this.timers.setTimeout(() => this.fire(), this.intervalMs);
  }

  /** Runs a scheduled call now instead of waiting. */
  flush(): void {
    if (!this.pending) return;
    this.timers.clearTimeout(this.handle);
    this.fire();
  }

  dispose(): void {
    this.disposed = true;
    if (this.pending) this.timers.clearTimeout(this.handle);
    this.pending = false;
  }

  private fire(): void {
    this.pending = false;
    this.handle = undefined;
    if (!this.disposed) this.callback();
  }
}
