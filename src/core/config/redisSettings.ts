import type { SettingsUnder } from './settingGroup';
import { caFileProblem, urlProblem } from './settingChecks';
import { parseRedisNodes } from './redisNodes';

/** The Redis tier: where it is (standalone, cluster or sentinel), its TLS trust and its key prefix. */
export const REDIS_SETTINGS: SettingsUnder<'redis'> = {
  'redis.url': {
    // Cache contents and the Redis password go here.
    trustRestricted: true,
    type: 'string',
    default: '',
    pattern: '^(rediss?://.+)?$',
    patternErrorMessage: 'not a redis:// or rediss:// URL',
    emptyMeans: 'Redis off',
    check: urlProblem(['redis:', 'rediss:']),
    description:
      'Redis URL (redis:// or rediss://, no password); empty turns the Redis tier off in standalone mode. In cluster ' +
      'and sentinel mode only its scheme, user and /db apply (see claudeCache.redis.mode).',
  },
  'redis.keyPrefix': {
    // A workspace's prefix could read or overwrite another project's entries in a shared Redis.
    trustRestricted: true,
    type: 'string',
    default: 'claude-cache:',
    pattern: '^[A-Za-z0-9._:-]{1,64}$',
    patternErrorMessage: 'not 1 to 64 of the characters A-Z a-z 0-9 . _ : -',
    description: 'Prefix of every Redis key, so other tools can share the same Redis.',
  },
  'redis.caFile': {
    // The CA the Redis connection (and its password) trusts: a workspace's own CA would let it stand in for Redis.
    trustRestricted: true,
    type: 'string',
    default: '',
    emptyMeans: "the system's trusted CAs",
    check: caFileProblem,
    description:
      'PEM file of the certificate authority a rediss:// server chains to, for a private CA (absolute path or ~/...); CLAUDE_CACHE_REDIS_CA_FILE overrides it for the CLI.',
  },
  'redis.mode': {
    // With redis.nodes, a workspace naming cluster seeds or sentinels would receive cache contents and the password.
    trustRestricted: true,
    type: 'string',
    default: 'standalone',
    enum: ['standalone', 'cluster', 'sentinel'],
    enumDescriptions: [
      'One Redis server at claudeCache.redis.url.',
      'A Redis Cluster reached through the seed nodes in claudeCache.redis.nodes; keys spread over every master.',
      'The master that the sentinels in claudeCache.redis.nodes name for claudeCache.redis.sentinelName; follows failovers.',
    ],
    description:
      'How the Redis tier is reached. In cluster and sentinel mode claudeCache.redis.url is optional and only its scheme ' +
      '(rediss:// = TLS to every server), its user (ACL user on every data node) and, for sentinel, its /db number are ' +
      'used; the stored Redis password is sent to the data nodes, never to sentinels.',
  },
  'redis.nodes': {
    trustRestricted: true,
    type: 'array',
    default: [],
    parse: parseRedisNodes,
    description:
      'Cluster mode: seed nodes as "host:port" (one reachable seed is enough, the rest are discovered). Sentinel mode: ' +
      'the sentinels as "host:port". Empty in cluster mode uses the host of claudeCache.redis.url as the only seed.',
  },
  'redis.sentinelName': {
    trustRestricted: true,
    type: 'string',
    default: 'mymaster',
    pattern: '^[A-Za-z0-9._-]{1,64}$',
    patternErrorMessage: 'not a master group name (1 to 64 of A-Z a-z 0-9 . _ -)',
    description: 'Sentinel mode: the master group name the sentinels monitor (sentinel monitor <name> ...).',
  },
};
