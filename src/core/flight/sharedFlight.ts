import { systemClock, type Clock } from '../clock';
import { describeError } from '../errors';
import { silentLogger, type Logger } from '../logger';
import { systemTimers, type Timers } from '../timers';
import type { FlightCommands, FlightSubscriber } from './flightCommands';
import type { FlightLease, FlightLock } from './flightLock';
import { FlightSignals } from './flightSignals';

export interface SharedFlightOptions {
  lock: FlightLock;
  /** Publishes the holder's "done" message. */
  commands: FlightCommands;
  /** Lets waiters wake at the holder's "done" instead of at their next poll; optional. */
  subscriber?: FlightSubscriber;
  /** Lock keys and channels live under it, next to the cache's own keys. */
  keyPrefix: string;
  /** How often a waiter looks for the answer and for an expired lock. Default 100 ms. */
  pollIntervalMs?: number;
  /** A waiter that waited this long computes on its own rather than wait on. Default 10 minutes. */
  maxWaitMs?: number;
  /** False while Redis is known to be down: the flight then does not even try the lock. */
  available?: () => boolean;
  clock?: Clock;
  /** What the polls and the lock renewals run on; Node's timers by default. */
  timers?: Timers;
  logger?: Logger;
}

/** One computation that instances may share through the shared tier. */
export interface SharedWork<T> {
  compute: () => Promise<T>;
  /** The answer as another instance left it in the shared tier; undefined when it is not there (yet). */
  read: () => Promise<T | undefined>;
  /**
   * Makes the answer readable by other instances before the lock goes; false when it must stay private (the
   * waiters then compute for themselves).
   */
  share: (value: T) => Promise<boolean>;
}

export interface SharedOutcome<T> {
  value: T;
  /** True when another instance computed it and this one read its answer. */
  joined: boolean;
}

const DONE = 'done';

/** The Redis key of the lock for one cache entry. */
export function flightLockKey(keyPrefix: string, layer: string, key: string): string {
  return `${keyPrefix}flight:${layer}:${key}`;
}

/**
 * Single-flight across instances (editor windows, machines, CLI runs) sharing one Redis: before computing, an
 * instance takes a short lock for the entry; the others wait for its answer and read it from the shared tier
 * instead of paying for it again. A holder that dies stops renewing, its lock expires and a waiter takes over.
 * Whenever Redis cannot answer, the work runs here: the flight saves money, it never fails a run.
 */
export class SharedFlight {
  private readonly signals: FlightSignals;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;
  private readonly maxWaitMs: number;

  constructor(private readonly options: SharedFlightOptions) {
    this.timers = options.timers ?? systemTimers;
    this.signals = new FlightSignals(options.subscriber, this.timers);
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger).child('flight');
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.maxWaitMs = options.maxWaitMs ?? 600_000;
  }

  async run<T>(layer: string, key: string, work: SharedWork<T>): Promise<SharedOutcome<T>> {
    if (this.options.available && !this.options.available()) return this.alone(work);
    const lockKey = flightLockKey(this.options.keyPrefix, layer, key);
    const channel = `${lockKey}:${DONE}`;
    const first = await this.tryLock(lockKey);
    if (first === 'unavailable') return this.alone(work);
    if (first !== 'held') return this.hold(first, channel, work);

    const listening = await this.signals.listen(channel);
    try {
      const deadline = this.clock.now() + this.maxWaitMs;
      for (;;) {
        const answer = await this.read(work);
        if (answer !== undefined) return { value: answer, joined: true };
        const lease = await this.tryLock(lockKey);
        if (lease === 'unavailable') return this.alone(work);
        if (lease !== 'held') {
          this.logger.debug(`${layer} ${key}: the holder left no answer; computing here`);
          return await this.hold(lease, channel, work);
        }
        if (this.clock.now() >= deadline) {
          this.logger.warn(`${layer} ${key}: waited ${this.maxWaitMs} ms for another instance; computing here`);
          return this.alone(work);
        }
        await listening.next(this.pollIntervalMs);
      }
    } finally {
      listening.stop();
    }
  }

  private async tryLock(lockKey: string): Promise<FlightLease | 'held' | 'unavailable'> {
    try {
      return (await this.options.lock.acquire(lockKey)) ?? 'held';
    } catch (error) {
      this.logger.debug(`lock unavailable, computing without it: ${describeError(error)}`);
      return 'unavailable';
    }
  }

  private async hold<T>(lease: FlightLease, channel: string, work: SharedWork<T>): Promise<SharedOutcome<T>> {
    try {
      // A holder that finished just before this instance took the lock left its answer: no need to pay again.
      const answer = await this.read(work);
      if (answer !== undefined) return { value: answer, joined: true };
      const value = await this.whileRenewing(lease, work.compute);
      const shared = await work.share(value).catch((error: unknown) => {
        this.logger.debug(`could not share the answer: ${describeError(error)}`);
        return false;
      });
      if (!shared) this.logger.debug(`${lease.key}: the answer stays private; waiters compute their own`);
      return { value, joined: false };
    } finally {
      await lease.release().catch(() => false);
      await this.options.commands.publish(channel, DONE).catch(() => 0);
    }
  }

  /** Runs `compute` while extending the lock, so a long Claude stream does not let it expire under us. */
  private async whileRenewing<T>(lease: FlightLease, compute: () => Promise<T>): Promise<T> {
    const timer = this.timers.setInterval(() => {
      lease.renew().then(
        (ours) => {
          if (!ours) this.logger.warn(`${lease.key}: lock expired during the computation; another instance may compute too`);
        },
        () => undefined,
      );
    }, Math.max(10, Math.floor(this.options.lock.ttlMs / 3)));
    timer.unref();
    try {
      return await compute();
    } finally {
      this.timers.clearInterval(timer);
    }
  }

  private async read<T>(work: SharedWork<T>): Promise<T | undefined> {
    try {
      return await work.read();
    } catch {
      return undefined;
    }
  }

  private async alone<T>(work: SharedWork<T>): Promise<SharedOutcome<T>> {
    return { value: await work.compute(), joined: false };
  }
}
