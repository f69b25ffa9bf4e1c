import { isAbsolute } from 'node:path';
import type { Layer } from '../layers';
import type { AnySettingSpec, ConfigKey, ConfigKeys, NumberSetting } from './settingSpec';
import { parseRedisNodes } from './redisNodes';
import { parsePrewarmWorkflows, parsePriceOverrides } from './structuredSettings';
import { DEFAULT_MODEL } from '../models';

/** The settings section: `claudeCache.redis.url` is key `redis.url` of this section. */
export const SETTINGS_SECTION = 'claudeCache';

const HOUR = 3600;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/** Why a URL is refused, or undefined; `schemes` include the colon, as URL.protocol does. */
function urlProblem(schemes: readonly string[]): (value: string) => string | undefined {
  const expected = schemes.map((scheme) => `${scheme}//`).join(' or ');
  return (value) => {
    if (value === '') return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return `not a URL (expected ${expected})`;
    }
    if (!schemes.includes(url.protocol)) return `not a ${expected} URL`;
    if (url.password !== '') {
      return 'a URL with a password in it, and passwords never come from settings (use secret storage or the environment)';
    }
    return undefined;
  };
}

function storageDirProblem(value: string): string | undefined {
  if (value === '' || value === '~' || value.startsWith('~/') || isAbsolute(value)) return undefined;
  return 'not an absolute path (or ~/...)';
}

function caFileProblem(value: string): string | undefined {
  if (value === '' || value.startsWith('~/') || isAbsolute(value)) return undefined;
  return 'not an absolute path to a file (or ~/...)';
}

function ttl(layer: Layer, seconds: number): NumberSetting {
  return {
    type: 'integer',
    default: seconds,
    minimum: 1,
    maximum: YEAR,
    description: `How long a ${layer}-layer entry stays valid, in seconds.`,
  };
}

function tunedTtlBound(layer: Layer, bound: 'min' | 'max', seconds: number): NumberSetting {
  return {
    type: 'integer',
    default: seconds,
    minimum: 1,
    maximum: YEAR,
    description: `${bound === 'min' ? 'Shortest' : 'Longest'} TTL that TTL tuning may give the ${layer} layer, in seconds.`,
  };
}

function memoryBudget(layer: Layer, megabytes: number): NumberSetting {
  return {
    type: 'number',
    default: megabytes,
    minimum: 1,
    maximum: 16384,
    description: `Memory the in-process tier may spend on the ${layer} layer, in MiB.`,
  };
}

function maxEntry(layer: Layer): NumberSetting {
  return {
    type: 'number',
    default: 8,
    minimum: 0.01,
    maximum: 512,
    description: `Largest encoded ${layer}-layer value that is cached, in MiB; larger ones are used but not stored.`,
  };
}

/**
 * Settings older versions had that the product no longer uses, with the reason a user is told once when one is
 * still set. `temperature`: API version 2026-10-21, which @anthropic-ai/sdk 1.x sends, refuses `temperature`,
 * `top_p` and `top_k` with a 400 even at their defaults (https://platform.claude.com/docs/en/api/versioning, read
 * 2026-12-06).
 */
export const REMOVED_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  temperature: 'is no longer supported by the Claude API (version 2026-10-21 refuses sampling parameters); it is ignored, remove it from your settings',
});

/**
 * Every `claudeCache.*` setting: type, default, range or enum, one-line description. The single source the
 * resolver validates against and the VS Code layer generates or checks package.json from.
 */
export const CONFIG_KEYS: ConfigKeys = {
  model: {
    type: 'string',
    default: DEFAULT_MODEL,
    pattern: '^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$',
    patternErrorMessage: 'not a model id',
    description:
      'Claude model for workflow runs: an id (claude-sonnet-5-5) or an alias (opus, sonnet, haiku, fable: the current model of that family). A workflow file\'s own `model:` line wins.',
  },
  maxTokens: {
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 128000,
    description:
      "Most tokens Claude may use in one call, thinking included; 0 uses the model's own default, which leaves room for thinking plus the answer (you pay for the tokens used, not for this cap).",
  },
  apiBaseUrl: {
    // The API key is sent here.
    trustRestricted: true,
    type: 'string',
    default: '',
    pattern: '^(https?://.+)?$',
    patternErrorMessage: 'not an http:// or https:// URL',
    emptyMeans: "the SDK's default",
    check: urlProblem(['http:', 'https:']),
    description: "Base URL of the Anthropic API (a proxy or gateway); empty uses the SDK's default.",
  },
  requestTimeoutSeconds: {
    type: 'integer',
    default: 120,
    minimum: 1,
    maximum: HOUR,
    description: 'How long one Claude request may take before it is abandoned, in seconds.',
  },
  providerCache: {
    type: 'string',
    default: 'auto',
    enum: ['off', '5m', '1h', 'auto'],
    enumDescriptions: [
      'Do not ask the API to cache the prompt prefix.',
      'Cache the stable prefix for 5 minutes (writes cost 1.25x input).',
      'Cache the stable prefix for 1 hour (writes cost 2x input).',
      "Per workflow and model, pick no caching, 5 minutes or 1 hour, whichever would have cost least over the calls seen: a prefix only pays when the same content is sent again before it expires. Starts with no caching until a few calls were seen.",
    ],
    description:
      "Provider-side prompt caching of each workflow's stable prompt prefix. Cache writes cost more than plain input and only reads recover it; `auto` (the default) caches only where the observed calls show it pays.",
  },
  'layers.prompt.ttlSeconds': ttl('prompt', 24 * HOUR),
  'layers.prompt.memoryBudgetMB': memoryBudget('prompt', 10),
  'layers.prompt.maxEntryMB': maxEntry('prompt'),
  // Module and result keys cover every input (file contents, model, limits, workflow version), so an entry past
  // its TTL would still be correct, and a module answer made again changes the result key after it: both live
  // 30 days. Measured on the real-history replay (bench history section): with the seeds' 12 h / 1 h these
  // layers expired answers still asked for, weeks apart, and paid for them again.
  'layers.module.ttlSeconds': ttl('module', 30 * DAY),
  'layers.module.memoryBudgetMB': memoryBudget('module', 50),
  'layers.module.maxEntryMB': maxEntry('module'),
  'layers.context.ttlSeconds': ttl('context', 6 * HOUR),
  'layers.context.memoryBudgetMB': memoryBudget('context', 100),
  'layers.context.maxEntryMB': maxEntry('context'),
  'layers.result.ttlSeconds': ttl('result', 30 * DAY),
  'layers.result.memoryBudgetMB': memoryBudget('result', 200),
  'layers.result.maxEntryMB': maxEntry('result'),
  writeMode: {
    type: 'string',
    default: 'write-through',
    enum: ['write-through', 'write-behind'],
    enumDescriptions: [
      'A put resolves once every tier holds the value.',
      'A put resolves once memory holds it; Redis and SurrealDB are written in batches.',
    ],
    description: 'How cache writes reach the slower tiers.',
  },
  'writeBehind.flushIntervalMs': {
    type: 'integer',
    default: 200,
    minimum: 10,
    maximum: 60000,
    description: 'Longest a write-behind entry waits before it is flushed, in milliseconds.',
  },
  'writeBehind.maxBatch': {
    type: 'integer',
    default: 256,
    minimum: 1,
    maximum: 10000,
    description: 'Most entries written to a slow tier in one write-behind batch.',
  },
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
  'tiers.timeoutMs': {
    type: 'integer',
    default: 250,
    minimum: 1,
    maximum: 60000,
    description: 'Per-operation timeout after which a storage tier counts as failing, in milliseconds.',
  },
  'tiers.breakerThreshold': {
    type: 'integer',
    default: 5,
    minimum: 1,
    maximum: 1000,
    description: "Consecutive failures that open a tier's circuit breaker (the tier is then skipped).",
  },
  'tiers.breakerCooldownMs': {
    type: 'integer',
    default: 5000,
    minimum: 100,
    maximum: HOUR * 1000,
    description: 'How long an open circuit breaker skips its tier before trying it again, in milliseconds.',
  },
  'surreal.url': {
    // Cache contents and the SurrealDB password go here.
    trustRestricted: true,
    type: 'string',
    default: '',
    pattern: '^((surrealkv|mem|ws|wss|http|https)://.*)?$',
    patternErrorMessage: 'not a surrealkv://, mem://, ws://, wss://, http:// or https:// URL',
    emptyMeans: 'embedded SurrealDB in the storage folder',
    check: urlProblem(['surrealkv:', 'mem:', 'ws:', 'wss:', 'http:', 'https:']),
    description:
      'SurrealDB URL (surrealkv://, mem://, a server at ws://, wss://, http://, https://); empty embeds SurrealDB in the storage folder, shared by every window and CLI run.',
  },
  'surreal.namespace': {
    type: 'string',
    default: 'claude_cache',
    pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
    patternErrorMessage: 'not an identifier (letters, digits, _; 1 to 64 characters)',
    description: 'SurrealDB namespace holding the cache.',
  },
  'surreal.database': {
    type: 'string',
    default: 'cache',
    pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
    patternErrorMessage: 'not an identifier (letters, digits, _; 1 to 64 characters)',
    description: 'SurrealDB database holding the cache.',
  },
  'surreal.username': {
    // The stored SurrealDB password is sent with this user.
    trustRestricted: true,
    type: 'string',
    default: '',
    pattern: '^[A-Za-z0-9._@-]{0,64}$',
    patternErrorMessage: 'not a user name (letters, digits, . _ @ -; at most 64 characters)',
    emptyMeans: 'no sign-in',
    description: 'User for a remote SurrealDB (its password comes from secret storage); empty for the embedded engine.',
  },
  'surreal.maxEntries': {
    type: 'integer',
    default: 100000,
    minimum: 1,
    maximum: 100000000,
    description: 'Most entries kept in SurrealDB before the least recently used are evicted.',
  },
  storageDir: {
    // Where cache contents are written on this machine.
    trustRestricted: true,
    type: 'string',
    default: '',
    emptyMeans: "the user's cache folder",
    check: storageDirProblem,
    description: "Folder for on-disk cache state; empty uses the user's cache folder (e.g. ~/.cache/claude-prompt-cache).",
  },
  prices: {
    type: 'object',
    default: {},
    parse: parsePriceOverrides,
    description:
      'Price overrides per model id: { input, output, cacheWrite5m, cacheWrite1h, cacheRead } in USD per million tokens.',
  },
  'budget.dailyUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: 1000000,
    description:
      'Most dollars Claude calls may cost per local calendar day, over every window and CLI run sharing the storage folder; a run that could pass it asks first (VS Code) or fails (CLI). 0 = no cap.',
  },
  'budget.perWorkflowUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: 1000000,
    description: 'Most dollars one workflow\'s Claude calls may cost per local calendar day. 0 = no cap.',
  },
  'prewarm.workflows': {
    type: 'array',
    default: [],
    parse: parsePrewarmWorkflows,
    description: 'Workflows the prewarm command runs: [{ workflow, args?, inputs?, file? }].',
  },
  'prewarm.onStartup': {
    type: 'boolean',
    default: false,
    description: 'Run prewarm when the editor starts.',
  },
  'prewarm.fromUsage.onStartup': {
    type: 'boolean',
    default: false,
    description: "Prewarm this workspace's most often missed workflows from the usage log when the editor starts.",
  },
  'prewarm.fromUsage.maxUsd': {
    type: 'number',
    default: 0.5,
    minimum: 0,
    maximum: 1000,
    description: 'Most dollars one prewarm from usage may spend; it stops before a run that would pass it.',
  },
  'prewarm.fromUsage.maxItems': {
    type: 'integer',
    default: 10,
    minimum: 1,
    maximum: 500,
    description: 'Most workflow runs one prewarm from usage makes.',
  },
  'usage.retentionDays': {
    type: 'integer',
    default: 30,
    minimum: 1,
    maximum: 3650,
    description: 'Days the usage log (every run: layers hit or missed, tier, cost, time) keeps a record.',
  },
  'usage.maxRecords': {
    type: 'integer',
    default: 20000,
    minimum: 100,
    maximum: 1000000,
    description: 'Most records the usage log keeps; the oldest go first.',
  },
  'ttlTuning.enabled': {
    type: 'boolean',
    default: false,
    description:
      'Tune each layer\'s TTL from the usage log within the bounds below: longer where entries expire while still asked for, shorter where they are never read again. Every change is logged with its reason.',
  },
  'ttlTuning.layers.prompt.minSeconds': tunedTtlBound('prompt', 'min', HOUR),
  'ttlTuning.layers.prompt.maxSeconds': tunedTtlBound('prompt', 'max', 7 * 24 * HOUR),
  // Tuning never takes module or result entries below a day: their keys cover every input, so a shorter TTL only
  // frees room the memory budget and LRU order already bound, and pays again for correct answers (the real-history
  // replay: tuning took the result TTL to 5 min and the result hit rate from 26.8 % to 13.3 %).
  'ttlTuning.layers.module.minSeconds': tunedTtlBound('module', 'min', DAY),
  'ttlTuning.layers.module.maxSeconds': tunedTtlBound('module', 'max', 90 * DAY),
  'ttlTuning.layers.context.minSeconds': tunedTtlBound('context', 'min', 10 * 60),
  'ttlTuning.layers.context.maxSeconds': tunedTtlBound('context', 'max', 24 * HOUR),
  'ttlTuning.layers.result.minSeconds': tunedTtlBound('result', 'min', DAY),
  'ttlTuning.layers.result.maxSeconds': tunedTtlBound('result', 'max', 90 * DAY),
  'encryption.enabled': {
    type: 'boolean',
    default: false,
    description:
      'Require encryption at rest (AES-256-GCM) of values in Redis and SurrealDB; the key comes from secret storage or CLAUDE_CACHE_ENCRYPTION_KEY, and without it the shared tiers stay off.',
  },
  'secrets.cacheInSharedTiers': {
    type: 'boolean',
    default: false,
    description:
      'Let runs whose prompt or context holds a likely secret (private key, API token, password=) be cached in Redis and SurrealDB; off keeps them in memory only.',
  },
  'pinning.enabled': {
    type: 'boolean',
    default: true,
    description: 'Keep frequently read entries in memory ahead of least-recently-used order (within a share of each layer budget).',
  },
  'pinning.hitThreshold': {
    type: 'integer',
    default: 5,
    minimum: 1,
    maximum: 1000000,
    description: 'Reads (fading by half every half-life) after which an entry is pinned in memory instead of evicted.',
  },
  'pinning.maxSharePercent': {
    type: 'integer',
    default: 25,
    minimum: 1,
    maximum: 90,
    description: "Most of each layer's memory budget that pinned entries may hold, in percent.",
  },
  'pinning.halfLifeMinutes': {
    type: 'integer',
    default: 30,
    minimum: 1,
    maximum: 10080,
    description: "Every this many minutes an entry's earlier reads count half as much, so once-hot entries are unpinned.",
  },
  'metrics.port': {
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 65535,
    description:
      'Port on 127.0.0.1 where Prometheus metrics are served at /metrics (hits, misses, latencies, evictions, errors, dollars); 0 turns the endpoint off.',
  },
  'archive.maxEntries': {
    type: 'integer',
    default: 200,
    minimum: 0,
    maximum: 100000,
    description:
      'Most expired or pruned answers kept in the SurrealDB archive for browsing (never served as hits); 0 turns the archive off.',
  },
  'alerts.notifications': {
    type: 'boolean',
    default: true,
    description:
      'Show a notification (at most one per kind an hour) when hit rates fall below target, memory evicts or nearly fills, or a tier keeps failing; alerts stay listed in the tree and in stats either way.',
  },
};

/** The setting keys in declaration order (the order a settings page should list them). */
export const CONFIG_KEY_LIST = Object.keys(CONFIG_KEYS) as ConfigKey[];

/**
 * The settings marked `trustRestricted`, in declaration order: the one list package.json's
 * `restrictedConfigurations`, the extension's untrusted-workspace reader and the CLI all use.
 */
export const TRUST_RESTRICTED_SETTINGS: readonly ConfigKey[] = Object.freeze(
  CONFIG_KEY_LIST.filter((key) => (CONFIG_KEYS[key] as AnySettingSpec).trustRestricted === true),
);

/** The full setting id, e.g. `claudeCache.redis.url`. */
export function settingId(key: string): string {
  return `${SETTINGS_SECTION}.${key}`;
}
