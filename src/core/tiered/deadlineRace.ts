import { systemTimers, type Timer, type Timers } from '../timers';

interface Queue {
  timeoutMs: number;
  entries: Pending[];
  /** Index of the oldest entry still waiting; the ones before it are done. */
  head: number;
}

interface Pending {
  queue: Queue;
  deadline: number;
  settled: boolean;
  reject: (error: Error) => void;
}

/**
 * Races promises against timeouts with one timer for all of them, instead of a timer, a timeout promise and a
 * Promise.race per call: on the hot path of a shared tier (every Redis hit goes through one) those cost more
 * than the bookkeeping they guard. Calls with the same timeout expire in the order they started, so each
 * timeout keeps a FIFO queue and the one timer sleeps until the earliest head is due. Calls mostly settle in
 * the order they started too (Redis answers in order), so a settled head is dropped at once; once nothing waits
 * the timer is unref'd, so an idle process is not held open by a timeout that can no longer fire.
 */
export class DeadlineRace {
  private readonly queues = new Map<number, Queue>();
  private timer: Timer | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly sweep = (): void => this.expire();

  /** `timeoutError` makes the error a call that ran out of time rejects with; deadlines run on `timers`. */
  constructor(
    private readonly timeoutError: (timeoutMs: number) => Error,
    private readonly timers: Timers = systemTimers,
  ) {}

  /** Settles as `work` does, or rejects with `timeoutError(timeoutMs)` if `timeoutMs` pass first. */
  race<R>(work: Promise<R>, timeoutMs: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let queue = this.queues.get(timeoutMs);
      if (queue === undefined) this.queues.set(timeoutMs, (queue = { timeoutMs, entries: [], head: 0 }));
      const pending: Pending = { queue, deadline: this.timers.now() + timeoutMs, settled: false, reject };
      queue.entries.push(pending);
      if (pending.deadline < this.timerAt) this.arm(pending.deadline);
      else this.timer?.ref();
      work.then(
        (value) => {
          if (pending.settled) return;
          this.done(pending);
          resolve(value);
        },
        (error: unknown) => {
          if (pending.settled) return;
          this.done(pending);
          reject(error);
        },
      );
    });
  }

  /** Calls still waiting; settled ones behind an unsettled head count until it goes. */
  get waiting(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.entries.length - queue.head;
    return count;
  }

  /** Whether the timer holds the process open (false once nothing waits). */
  get holdsProcess(): boolean {
    return this.timer?.hasRef() ?? false;
  }

  /** Stops the timer and forgets every waiting call; they still settle when their own work does. */
  dispose(): void {
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.queues.clear();
  }

  private done(pending: Pending): void {
    pending.settled = true;
    const { queue } = pending;
    if (queue.entries[queue.head] !== pending) return;
    this.dropSettledHead(queue);
    // Nothing waits: the timer stays set (the next call most likely reuses it rather than setting its own) but
    // no longer holds the process open.
    if (this.queues.size === 0) this.timer?.unref();
  }

  /** Advances past settled entries; forgets the queue once it is empty. */
  private dropSettledHead(queue: Queue): void {
    const { entries } = queue;
    while (queue.head < entries.length && (entries[queue.head] as Pending).settled) queue.head += 1;
    if (queue.head === entries.length) {
      if (this.queues.get(queue.timeoutMs) === queue) this.queues.delete(queue.timeoutMs);
      entries.length = 0;
      queue.head = 0;
    } else if (queue.head > 1024 && queue.head * 2 > entries.length) {
      // A queue that never empties (a steady stream of calls) sheds its done prefix now and then.
      entries.splice(0, queue.head);
      queue.head = 0;
    }
  }

  private arm(at: number): void {
    this.timers.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.timers.setTimeout(this.sweep, Math.max(1, Math.ceil(at - this.timers.now())));
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.timers.now();
    let next = Number.POSITIVE_INFINITY;
    for (const queue of [...this.queues.values()]) {
      const { entries } = queue;
      while (queue.head < entries.length) {
        const pending = entries[queue.head] as Pending;
        if (!pending.settled && pending.deadline > now) break;
        queue.head += 1;
        if (!pending.settled) {
          pending.settled = true;
          pending.reject(this.timeoutError(queue.timeoutMs));
        }
      }
      this.dropSettledHead(queue);
      if (this.queues.get(queue.timeoutMs) === queue) next = Math.min(next, (entries[queue.head] as Pending).deadline);
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}
