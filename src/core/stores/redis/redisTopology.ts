import type { Cluster, Redis } from 'ioredis';
import type { CacheConfig } from '../../config/cacheConfig';
import { parseRedisNodeAddress, type RedisNodeAddress } from '../../config/redisNodes';
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
