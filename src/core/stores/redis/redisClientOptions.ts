import type { RedisOptions } from 'ioredis';

/** Connection behaviour shared by the store's connection and the invalidation bus's. */
export interface RedisConnectionOptions {
  /** How long connect() waits for a usable connection, and the socket connect timeout; default 2000. */
  connectTimeoutMs?: number;
  /**
   * A connection that owes replies and receives nothing for this long is dropped (its commands reject, then it
   * reconnects); default 1000. One timer per connection rather than one per command keeps the hot path cheap.
   */
  commandTimeoutMs?: number;
  /** Cap of the exponential reconnect backoff (100 ms, 200 ms, ... up to this); default 5000. */
  maxReconnectDelayMs?: number;
  /**
   * PEM certificate(s) a `rediss://` server's certificate must chain to, for a private CA; without it the
   * system's trusted CAs are used. Ignored for `redis://`.
   */
  tlsCa?: string;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;

/** ioredis options for a connection that fails fast while Redis is away and reconnects with capped backoff. */
export function redisClientOptions(options: RedisConnectionOptions, url?: string): RedisOptions {
  const maxDelay = options.maxReconnectDelayMs ?? 5_000;
  // ioredis turns TLS on for rediss:// by itself; an explicit `tls` only adds the CA, and must not turn a
  // plain redis:// connection into a TLS one.
  const tls = options.tlsCa && url?.startsWith('rediss://') ? { tls: { ca: options.tlsCa } } : {};
  return {
    ...tls,
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    socketTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    enableAutoPipelining: true,
    // Nothing waits for a connection that may not come back: the tiered cache skips this tier instead.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(maxDelay, 100 * 2 ** Math.min(attempt - 1, 16)),
    // Redis 7.0 does not know CLIENT SETINFO; skipping it saves a failing round trip per connect.
    disableClientInfo: true,
  };
}
