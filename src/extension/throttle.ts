/** Timer functions, injectable so tests decide when time passes. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Coalesces bursts of signals into at most one call per interval: the first signal schedules a call after
 * `intervalMs`, later ones within that window ride along. Views repaint from engine events this way instead of
 * once per cache hit.
 */
export class Throttle {
  private handle: unknown;
  private pending = false;
  private disposed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly callback: () => void,
    private readonly timers: Timers = realTimers,
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
