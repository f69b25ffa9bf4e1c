import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { CacheConfig } from '../config/cacheConfig';
import { parseRedisNodeAddress, type RedisNodeAddress } from '../config/redisNodes';
import { redisClientOptions, type RedisConnectionOptions } from './redisClientOptions';
import { redisUrlWithPassword } from './redisUrl';

/** How the data nodes of a cluster or a sentinel-managed master are logged in to; the URL says it for standalone. */
export interface RedisAccess {
  /** TLS to every server (rediss://). */
  readonly tls?: boolean;
  /** ACL user on the data nodes; the default user when absent. */
  readonly username?: string;
  /** Sent to data nodes only: sentinels are asked without one. */
  readonly password?: string;
  /** Database number of a sentinel-managed master (a cluster has only 0). */
  readonly db?: number;
}

/** Where the Redis tier lives: one server, a Redis Cluster from seed nodes, or the master sentinels name. */
export type RedisTopology =
  | { readonly mode: 'standalone'; readonly url: string }
  | { readonly mode: 'cluster'; readonly nodes: readonly RedisNodeAddress[]; readonly access?: RedisAccess }
  | {
      readonly mode: 'sentinel';
      readonly sentinels: readonly RedisNodeAddress[];
      /** The master group name (`sentinel monitor <name> ...`). */
      readonly name: string;
      readonly access?: RedisAccess;
    };

/** An ioredis connection of any topology: both expose the same commands. */
export type RedisClient = Redis | Cluster;

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

/** For logs and messages: never a password. */
export function describeTopology(topology: RedisTopology): string {
  const list = (nodes: readonly RedisNodeAddress[]): string =>
    nodes.map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)).join(', ');
  switch (topology.mode) {
    case 'standalone':
      return topology.url.replace(/\/\/[^@/]*@/, '//***@');
    case 'cluster':
      return `cluster via ${list(topology.nodes)}${topology.access?.tls ? ' (TLS)' : ''}`;
    case 'sentinel':
      return `sentinel master "${topology.name}" via ${list(topology.sentinels)}${topology.access?.tls ? ' (TLS)' : ''}`;
  }
}

/**
 * The topology the settings describe, with the password put in; undefined when the Redis tier is off, or why
 * the settings cannot be used. In cluster and sentinel mode `redis.url` only lends its scheme (TLS), user and
 * /db, and, for a cluster with no `redis.nodes`, its host as the one seed.
 */
export function redisTopologyFromConfig(
  redis: CacheConfig['redis'],
  password: string | undefined,
): { topology: RedisTopology } | { problem: string } | undefined {
  if (redis.mode === 'standalone') {
    return redis.url ? { topology: { mode: 'standalone', url: redisUrlWithPassword(redis.url, password) } } : undefined;
  }
  let url: URL | undefined;
  if (redis.url) {
    try {
      url = new URL(redis.url);
    } catch {
      return { problem: 'claudeCache.redis.url is not a valid URL' };
    }
  }
  const access: RedisAccess = {
    ...(url?.protocol === 'rediss:' ? { tls: true } : {}),
    ...(url?.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(password ? { password } : {}),
  };
  const seeds = redis.nodes.map(parseRedisNodeAddress).filter((node): node is RedisNodeAddress => !('problem' in node));
  if (redis.mode === 'cluster') {
    if (seeds.length === 0 && url?.hostname) seeds.push({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379) });
    if (seeds.length === 0) {
      return { problem: 'claudeCache.redis.mode is cluster but no seed node is set (claudeCache.redis.nodes)' };
    }
    return { topology: { mode: 'cluster', nodes: seeds, access } };
  }
  if (seeds.length === 0) {
    return { problem: 'claudeCache.redis.mode is sentinel but no sentinel is set (claudeCache.redis.nodes)' };
  }
  const db = url ? Number(url.pathname.slice(1) || 0) : 0;
  if (!Number.isInteger(db) || db < 0) return { problem: `claudeCache.redis.url names no database number (${url?.pathname})` };
  return { topology: { mode: 'sentinel', sentinels: seeds, name: redis.sentinelName, access: { ...access, ...(db ? { db } : {}) } } };
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
