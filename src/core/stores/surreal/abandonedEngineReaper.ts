import { systemTimers, type Timers } from '../../timers';

/** The part of an embedded engine the reaper needs: close() frees the native engine if it has one by then. */
export interface ClosableEngine {
  close(): Promise<void>;
}

export interface ReaperOptions {
  /** Default 250 ms. */
  everyMs?: number;
  /** Default 2 minutes. */
  forMs?: number;
  timers?: Timers;
}

/**
 * Closes an embedded engine whose connect was given up on, again and again for a while. Why: @surrealdb/node
 * 3.0.3 ignores a close() that comes while its native open is still running, and when that open finishes later
 * it keeps the directory locked for the rest of the process with nobody using it; another close() then frees it.
 * The timer is unref'd: it never keeps a process alive. Returns a function that stops it early.
 */
export function reapAbandonedEngine(engine: ClosableEngine, options: ReaperOptions = {}): () => void {
  const timers = options.timers ?? systemTimers;
  const everyMs = options.everyMs ?? 250;
  let remaining = Math.ceil((options.forMs ?? 120_000) / everyMs);
  const timer = timers.setInterval(() => {
    remaining -= 1;
    if (remaining <= 0) timers.clearInterval(timer);
    engine.close().catch(() => undefined);
  }, everyMs);
  timer.unref();
  return () => timers.clearInterval(timer);
}
