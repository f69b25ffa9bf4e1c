import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { redisClientOptions, type RedisConnectionOptions } from './redisClientOptions';
import type { RedisAccess, RedisClient, RedisTopology } from './redisTopology';

// The ioredis clients of a topology. Apart from redisTopology.ts (which only reads settings), so that a process
// with the Redis tier off never loads ioredis.

/** How long a cluster waits before asking for the slot map again on its own, so a failover is noticed. */
const SLOTS_REFRESH_INTERVAL_MS = 5_000;

/**
 * The ioredis client for a topology, not yet connected (lazyConnect), failing fast while unreachable and
 * reconnecting with capped backoff (see redisClientOptions). A cluster follows MOVED redirections and
 * failovers itself; a sentinel client asks the sentinels for the master on every reconnect.
 */
export function createRedisClient(
  topology: RedisTopology,
  options: RedisConnectionOptions,
  /** Applied to a single connection (standalone, sentinel), not to a cluster's node connections. */
  overrides: Pick<RedisOptions, 'enableAutoPipelining'> = {},
): RedisClient {
  switch (topology.mode) {
    case 'standalone':
      return new Redis(topology.url, { ...redisClientOptions(options, topology.url), ...overrides });
    case 'cluster':
      return new Cluster(
        topology.nodes.map(({ host, port }) => ({ host, port })),
        clusterOptions(options, topology.access ?? {}),
      );
    case 'sentinel':
      return new Redis({ ...sentinelOptions(topology, options), ...overrides });
  }
}

/** A second connection like `client` (e.g. for pub/sub), not yet connected. */
export function duplicateRedisClient(client: RedisClient): RedisClient {
  if (client instanceof Cluster) return client.duplicate([], { lazyConnect: true });
  // Subscriptions are restored by whoever subscribes, also after a start with Redis down, which ioredis's own
  // autoResubscribe would not cover.
  return client.duplicate({ lazyConnect: true, autoResubscribe: false });
}

/** The connections a keyspace scan must visit: every master of a cluster, or the one connection otherwise. */
export function scanTargets(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

function loginOptions(access: RedisAccess, tlsCa: string | undefined): RedisOptions {
  return {
    ...(access.username ? { username: access.username } : {}),
    ...(access.password ? { password: access.password } : {}),
    ...(access.tls ? { tls: tlsCa ? { ca: tlsCa } : {} } : {}),
  };
}

function clusterOptions(options: RedisConnectionOptions, access: RedisAccess): ClusterOptions {
  // The per-node connections: the standalone behaviour minus what the cluster decides for its nodes.
  const {
    retryStrategy,
    enableOfflineQueue: _offlineQueue,
    lazyConnect: _lazy,
    tls: _tls,
    ...nodeOptions
  } = redisClientOptions(options);
  return {
    lazyConnect: true,
    // Nothing waits for a cluster that may not come back: the tiered cache skips this tier instead.
    enableOfflineQueue: false,
    // Commands to one node leave together; keys of different nodes are split into one pipeline per node.
    enableAutoPipelining: true,
    scaleReads: 'master',
    clusterRetryStrategy: (attempt: number) => retryStrategy?.(attempt) ?? null,
    slotsRefreshTimeout: options.connectTimeoutMs ?? 2_000,
    slotsRefreshInterval: SLOTS_REFRESH_INTERVAL_MS,
    redisOptions: { ...nodeOptions, ...loginOptions(access, options.tlsCa) },
  };
}

function sentinelOptions(
  topology: Extract<RedisTopology, { mode: 'sentinel' }>,
  options: RedisConnectionOptions,
): RedisOptions {
  const access = topology.access ?? {};
  const tls = access.tls ? { tls: options.tlsCa ? { ca: options.tlsCa } : {} } : {};
  return {
    ...redisClientOptions(options),
    ...loginOptions(access, options.tlsCa),
    sentinels: topology.sentinels.map(({ host, port }) => ({ host, port })),
    name: topology.name,
    ...(access.db ? { db: access.db } : {}),
    ...(access.tls ? { enableTLSForSentinelMode: true, sentinelTLS: tls.tls } : {}),
    // Sentinels announce a new master on +switch-master: reconnect at once instead of after the old one times out.
    failoverDetector: true,
    sentinelRetryStrategy: (attempt: number) => Math.min(options.maxReconnectDelayMs ?? 5_000, 100 * 2 ** Math.min(attempt - 1, 16)),
  };
}
