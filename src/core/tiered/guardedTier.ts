import type { Clock } from '../clock';
import { StoreError, StoreTimeoutError } from '../errors';
import type { TierStatus } from '../layers';
import type { Store } from '../stores/store';
import type { Timers } from '../timers';
import type { CacheStats } from './cacheStats';
import { CircuitBreaker, type BreakerState } from './circuitBreaker';
import { DeadlineRace } from './deadlineRace';
import { TierHealthTracker, type TierHealth } from './tierHealth';
import type { RemoteTier } from './tierTypes';

/** Returned instead of a result when the tier was skipped or failed; the cache carries on without it. */
export const SKIPPED = Symbol('skipped');
export type Skipped = typeof SKIPPED;

export interface GuardedTierOptions {
  timeoutMs: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
  clock: Clock;
  /** What the timeouts run on; Node's timers unless a test fires them by hand. */
  timers?: Timers;
  stats: CacheStats;
  onStatus: (status: TierStatus) => void;
  onError: (operation: string, error: Error) => void;
  /** The tier's observed health changed (see TierHealthTracker). */
  onHealth?: (health: TierHealth) => void;
}

/**
 * A shared tier behind a timeout and a circuit breaker. Every call either returns the store's answer or SKIPPED;
 * it never throws, because a failing Redis or SurrealDB must not fail the user's run.
 */
export class GuardedTier {
  private readonly breaker: CircuitBreaker;
  private readonly observed: TierHealthTracker;
  /** One timer for every call's timeout (see DeadlineRace). */
  private readonly deadlines: DeadlineRace;

  constructor(
    readonly tier: RemoteTier,
    readonly store: Store<Uint8Array>,
    private readonly options: GuardedTierOptions,
  ) {
    this.breaker = new CircuitBreaker(
      { threshold: options.breakerThreshold, cooldownMs: options.breakerCooldownMs, clock: options.clock },
      (state) => options.onStatus(this.statusFor(state)),
    );
    this.deadlines = new DeadlineRace((timeoutMs) => new StoreTimeoutError(this.tier, timeoutMs), options.timers);
    this.observed = new TierHealthTracker((health) => options.onHealth?.(health));
    // A reconnected backend is usable now; no need to wait for the breaker's next probe.
    this.stopWatching = store.onReady?.(() => {
      this.breaker.reset();
      this.observed.succeeded();
    });
  }

  private readonly stopWatching: (() => void) | undefined;

  /** Stops listening to the store's reconnects. */
  dispose(): void {
    this.stopWatching?.();
    this.deadlines.dispose();
  }

  /** The breaker's view, which decides routing: whether calls go to the tier at all. */
  get status(): TierStatus {
    return this.statusFor(this.breaker.state);
  }

  /** What the last operation (or reconnect) actually showed, with the reason when it failed. */
  get health(): TierHealth {
    return this.observed.health;
  }

  /**
   * Runs one operation against the store. `timeoutMs` overrides the per-operation timeout for rare operations
   * that scan (invalidation, listings), which must not be cut short by a limit sized for point reads.
   */
  async call<R>(
    operation: string,
    work: (store: Store<Uint8Array>) => Promise<R>,
    timeoutMs = this.options.timeoutMs,
  ): Promise<R | Skipped> {
    if (!this.breaker.allow()) return SKIPPED;
    const started = process.hrtime.bigint();
    try {
      const pending = work(this.store);
      const result = await this.deadlines.race(pending, timeoutMs).catch((error: unknown) => {
        // A store opening its backend on first need (see Store.opening): this call waits for it, bounded by the
        // open's own timeout; a tier slow for any other reason is cut short as usual.
        if (error instanceof StoreTimeoutError && this.store.opening?.() !== undefined) return pending;
        throw error;
      });
      this.breaker.success();
      this.observed.succeeded();
      this.options.stats.latency[this.tier].recordSince(started);
      return result;
    } catch (error) {
      this.breaker.failure();
      this.options.stats.tiers[this.tier].errors += 1;
      const failure = error instanceof Error ? error : new StoreError(this.tier, String(error));
      this.observed.failed(failure);
      this.options.onError(operation, failure);
      return SKIPPED;
    }
  }

  private statusFor(state: BreakerState): TierStatus {
    if (state === 'closed') return 'up';
    return this.breaker.hasSucceeded ? 'degraded' : 'down';
  }
}
