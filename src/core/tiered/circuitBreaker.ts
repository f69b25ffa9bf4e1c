import type { Clock } from '../clock';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  threshold: number;
  /** How long an open breaker refuses calls before it lets one probe through. */
  cooldownMs: number;
  clock: Clock;
}

/**
 * Keeps a failing tier out of the request path: after `threshold` consecutive failures the tier is skipped for
 * `cooldownMs`, then a single probe decides whether it is back. Only one probe is in flight at a time, so a
 * dead tier costs one timeout per cooldown, not one per request.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';
  /** Whether the tier ever answered; a tier that never did reads as down rather than degraded. */
  private everSucceeded = false;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly onChange?: (state: BreakerState) => void,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  get hasSucceeded(): boolean {
    return this.everSucceeded;
  }

  /** Whether a call may go to the tier now; a true answer in the half-open state claims the probe. */
  allow(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.options.clock.now() - this.openedAt < this.options.cooldownMs) return false;
      this.transition('half-open');
    }
    if (this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.everSucceeded = true;
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  failure(): void {
    this.probing = false;
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.options.threshold) {
      this.openedAt = this.options.clock.now();
      if (this.current !== 'open') this.transition('open');
    }
  }

  /** Closes the breaker at once, e.g. when the store reports that it reconnected. */
  reset(): void {
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  private transition(next: BreakerState): void {
    this.current = next;
    this.onChange?.(next);
  }
}
