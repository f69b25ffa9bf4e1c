/**
 * The few Redis commands the cross-instance single-flight needs. Both an ioredis `Redis` and a `Cluster` have
 * them, so the flight never depends on how the Redis tier connects.
 */
export interface FlightCommands {
  set(key: string, value: string, expiryMode: 'PX', ttlMs: number, condition: 'NX'): Promise<'OK' | null>;
  eval(script: string, numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  publish(channel: string, message: string): Promise<number>;
}

/** A connection in subscriber mode: it hears the holder's "done" on a key's channel. */
export interface FlightSubscriber {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
}
