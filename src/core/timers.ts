import { performance } from 'node:perf_hooks';

/** A pending timeout or interval: Node's `Timeout` from systemTimers, a hand-fired one from a ManualClock. */
export interface Timer {
  /** Keeps the process alive while the timer is pending (the default). */
  ref(): void;
  /** Lets the process exit even though the timer is pending. */
  unref(): void;
  hasRef(): boolean;
}

/**
 * Node's timer functions, injectable next to the Clock: code that waits takes a `Timers`, so a test hands it a
 * ManualClock and fires the wait by moving the clock instead of sleeping.
 */
export interface Timers {
  /**
   * Milliseconds on the clock the timers run on, to compute deadlines with: monotonic for systemTimers, so it is
   * no date (a Clock says what time it is).
   */
  now(): number;
  setTimeout(callback: () => void, ms: number): Timer;
  setInterval(callback: () => void, ms: number): Timer;
  /** Cancels a timeout or an interval; an undefined, fired or cancelled one is ignored. */
  clearTimeout(timer: Timer | undefined): void;
  clearInterval(timer: Timer | undefined): void;
}

// Every Timer systemTimers hands out is a Node Timeout, so handing one back to Node's clear functions is sound.
const clearNodeTimer = (timer: Timer | undefined): void => clearTimeout(timer as NodeJS.Timeout | undefined);

/** Node's own timers, on the monotonic clock Node runs them on. */
export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearTimeout: clearNodeTimer,
  clearInterval: clearNodeTimer,
};
