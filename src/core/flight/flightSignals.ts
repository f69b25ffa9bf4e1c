import { systemTimers, type Timer, type Timers } from '../timers';
import type { FlightSubscriber } from './flightCommands';

/** One caller's interest in a channel: wakes on a message or after a poll interval, whichever comes first. */
export interface FlightListening {
  /** Resolves at the next message on the channel (or one that came since the last call), or after `ms`. */
  next(ms: number): Promise<void>;
  stop(): void;
}

/**
 * Wake-ups for waiters from the holder's "done" message, over one subscriber connection shared by every key.
 * Without a subscriber (or while it is not connected) waiters still wake at each poll interval: pub/sub only
 * makes them wake sooner.
 */
export class FlightSignals {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** The poll intervals run on `timers`. */
  constructor(
    private readonly subscriber?: FlightSubscriber,
    private readonly timers: Timers = systemTimers,
  ) {
    subscriber?.on('message', (channel: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener.wake();
    });
  }

  /** Starts listening on `channel`; resolves once subscribed, or at once when subscribing fails. */
  async listen(channel: string): Promise<FlightListening> {
    const listener = new Listener(this.timers);
    let group = this.listeners.get(channel);
    if (!group) {
      group = new Set();
      this.listeners.set(channel, group);
      await this.subscriber?.subscribe(channel).catch(() => undefined);
    }
    group.add(listener);
    return {
      next: (ms) => listener.next(ms),
      stop: () => {
        listener.wake();
        const current = this.listeners.get(channel);
        current?.delete(listener);
        if (current && current.size === 0) {
          this.listeners.delete(channel);
          this.subscriber?.unsubscribe(channel).catch(() => undefined);
        }
      },
    };
  }
}

class Listener {
  private signalled = false;
  private resolveWait: (() => void) | undefined;

  constructor(private readonly timers: Timers) {}

  wake(): void {
    if (this.resolveWait) {
      const resolve = this.resolveWait;
      this.resolveWait = undefined;
      resolve();
    } else {
      this.signalled = true;
    }
  }

  next(ms: number): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer: Timer = this.timers.setTimeout(() => {
        this.resolveWait = undefined;
        resolve();
      }, ms);
      this.resolveWait = () => {
        this.timers.clearTimeout(timer);
        resolve();
      };
    });
  }
}
