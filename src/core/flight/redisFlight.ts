import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Timers } from '../timers';
import type { FlightCommands, FlightSubscriber } from './flightCommands';
import { FlightLock } from './flightLock';
import { SharedFlight } from './sharedFlight';

/** A Redis connection that can open a second one for pub/sub (ioredis `Redis` and `Cluster` both can). */
export interface FlightConnection extends FlightCommands {
  duplicate(): SubscriberConnection;
}

export interface SubscriberConnection extends FlightSubscriber {
  connect(): Promise<unknown>;
  disconnect(): void;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface RedisFlightOptions {
  keyPrefix: string;
  /** Lock lifetime without renewal: how long waiters wait for a holder that died. Default 10 s. */
  lockTtlMs?: number;
  /** Default 100 ms. */
  pollIntervalMs?: number;
  /** Per lock command; default 1000 ms. */
  commandTimeoutMs?: number;
  maxWaitMs?: number;
  available?: () => boolean;
  clock?: Clock;
  timers?: Timers;
  logger?: Logger;
}

export const DEFAULT_LOCK_TTL_MS = 10_000;

/**
 * A SharedFlight over an existing Redis connection plus a subscriber connection of its own, which connects in
 * the background (waiters poll until it does). `close` drops only the subscriber.
 */
export function openRedisFlight(connection: FlightConnection, options: RedisFlightOptions): { flight: SharedFlight; close: () => void } {
  const subscriber = connection.duplicate();
  subscriber.on('error', () => undefined);
  subscriber.connect().catch(() => undefined);
  const lock = new FlightLock(connection, {
    ttlMs: options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
    commandTimeoutMs: options.commandTimeoutMs ?? 1_000,
    ...(options.timers ? { timers: options.timers } : {}),
  });
  const flight = new SharedFlight({
    lock,
    commands: connection,
    subscriber,
    keyPrefix: options.keyPrefix,
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.maxWaitMs !== undefined ? { maxWaitMs: options.maxWaitMs } : {}),
    ...(options.available ? { available: options.available } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { flight, close: () => subscriber.disconnect() };
}
