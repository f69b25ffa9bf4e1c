import type { Timer, Timers } from './timers';

/** Wall-clock milliseconds, injectable so TTL tests never sleep. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock tests move by hand, and the timers that run on it: moving it fires the timers that fall due, in the
 * order they are due, each seeing the clock at its own due time. What a timer's callback starts asynchronously
 * runs after the move, so a test awaits that (a setImmediate flush) before it looks.
 */
export class ManualClock implements Clock, Timers {
  private readonly pending = new Set<ManualTimer>();
  /** Orders timers due at the same time as Node does: in the order they were set. */
  private scheduled = 0;

  constructor(private current = 1_700_000_000_000) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.moveTo(this.current + ms);
  }

  set(ms: number): void {
    this.moveTo(ms);
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return this.schedule(callback, nodeDelay(ms), undefined);
  }

  setInterval(callback: () => void, ms: number): Timer {
    const everyMs = nodeDelay(ms);
    return this.schedule(callback, everyMs, everyMs);
  }

  clearTimeout(timer: Timer | undefined): void {
    if (timer instanceof ManualTimer) this.pending.delete(timer);
  }

  clearInterval(timer: Timer | undefined): void {
    this.clearTimeout(timer);
  }

  /** Timeouts not yet fired nor cleared, and intervals not yet cleared. */
  get pendingTimers(): number {
    return this.pending.size;
  }

  private schedule(callback: () => void, delayMs: number, everyMs: number | undefined): ManualTimer {
    const timer = new ManualTimer(callback, everyMs, this.current + delayMs, (this.scheduled += 1));
    this.pending.add(timer);
    return timer;
  }

  private moveTo(target: number): void {
    for (let timer = this.firstDue(target); timer !== undefined; timer = this.firstDue(target)) {
      this.current = timer.at;
      // Rescheduled (or forgotten) before its callback runs, so the callback may clear or set timers itself.
      if (timer.everyMs === undefined) {
        this.pending.delete(timer);
      } else {
        timer.at = this.current + timer.everyMs;
        timer.order = this.scheduled += 1;
      }
      timer.callback();
    }
    this.current = target;
  }

  private firstDue(target: number): ManualTimer | undefined {
    let first: ManualTimer | undefined;
    for (const timer of this.pending) {
      if (timer.at > target) continue;
      if (first === undefined || timer.at < first.at || (timer.at === first.at && timer.order < first.order)) first = timer;
    }
    return first;
  }
}

class ManualTimer implements Timer {
  private referenced = true;

  constructor(
    readonly callback: () => void,
    readonly everyMs: number | undefined,
    public at: number,
    public order: number,
  ) {}

  ref(): void {
    this.referenced = true;
  }

  unref(): void {
    this.referenced = false;
  }

  hasRef(): boolean {
    return this.referenced;
  }
}

/** Node runs a timer set for less than 1 ms (or for a delay it cannot keep) after 1 ms. */
function nodeDelay(ms: number): number {
  return ms >= 1 && ms <= 2 ** 31 - 1 ? ms : 1;
}
