import { StoreTimeoutError, describeError } from '../errors';
import type { TierStatus } from '../layers';

/** What the last operation on a tier did: `up`, or `degraded` / `down` with the reason a user can act on. */
export interface TierHealth {
  status: TierStatus;
  /** Why the tier is not up; absent while it is. */
  reason?: string;
}

/**
 * A shared tier's health as observed, not as configured: every operation's outcome (and the store's own
 * "connected" signal) replaces the last one. A timeout reads as degraded (the tier is there, but slow); any other
 * failure (refused, unreachable, rejected login, connection lost) reads as down. Calls the breaker skips change
 * nothing, so a tripped tier keeps the reason it tripped for.
 */
export class TierHealthTracker {
  private current: TierHealth = { status: 'up' };

  constructor(private readonly onChange: (health: TierHealth) => void) {}

  get health(): TierHealth {
    return this.current;
  }

  succeeded(): void {
    if (this.current.status === 'up') return;
    this.set({ status: 'up' });
  }

  failed(error: Error): void {
    const status: TierStatus = error instanceof StoreTimeoutError ? 'degraded' : 'down';
    const reason = describeError(error);
    if (this.current.status === status && this.current.reason === reason) return;
    const changed = this.current.status !== status;
    this.current = { status, reason };
    // A new reason for the same status is kept for stats but not announced again: a dead tier fails every call.
    if (changed) this.onChange(this.current);
  }

  private set(next: TierHealth): void {
    this.current = next;
    this.onChange(next);
  }
}
