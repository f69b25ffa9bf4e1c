import type { Unsubscribe } from '../events';
import type { EngineObserver, TierRead, UpstreamCall } from './engineObserver';
import type { RunResult } from '../pipeline';

/**
 * Fans one observation out to every subscriber. A subscriber that throws is ignored: a metrics or UI bug must
 * not fail the cache operation it watched. `active` lets a reporter skip timing when nobody listens.
 */
export class ObserverSet implements EngineObserver {
  private observers: readonly EngineObserver[] = [];

  get active(): boolean {
    return this.observers.length > 0;
  }

  add(observer: EngineObserver): Unsubscribe {
    // Copy on write: a subscriber leaving during a fan-out does not disturb the loop.
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((candidate) => candidate !== observer);
    };
  }

  tierRead(read: TierRead): void {
    for (const observer of this.observers) guarded(() => observer.tierRead?.(read));
  }

  upstreamCall(call: UpstreamCall): void {
    for (const observer of this.observers) guarded(() => observer.upstreamCall?.(call));
  }

  runFinished(result: RunResult): void {
    for (const observer of this.observers) guarded(() => observer.runFinished?.(result));
  }
}

function guarded(notify: () => void): void {
  try {
    notify();
  } catch {
    // See the class comment: observers never break what they observe.
  }
}
