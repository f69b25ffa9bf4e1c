import { SETTINGS_SECTION } from './configKeys';
import type { ConfigReader } from './resolveConfig';

/**
 * Environment variables the CLI honours, each mapped to the setting it overrides. Secrets are not among them.
 * Every trust-restricted setting but redis.caFile (CLAUDE_CACHE_REDIS_CA_FILE reaches the engine directly) has
 * one, so CI can set them without trusting the checked-out workspace's settings.
 */
export const ENVIRONMENT_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  ANTHROPIC_BASE_URL: 'apiBaseUrl',
  CLAUDE_CACHE_REDIS_URL: 'redis.url',
  CLAUDE_CACHE_REDIS_KEY_PREFIX: 'redis.keyPrefix',
  CLAUDE_CACHE_REDIS_MODE: 'redis.mode',
  CLAUDE_CACHE_REDIS_NODES: 'redis.nodes',
  CLAUDE_CACHE_REDIS_SENTINEL_NAME: 'redis.sentinelName',
  CLAUDE_CACHE_SURREAL_URL: 'surreal.url',
  CLAUDE_CACHE_SURREAL_USERNAME: 'surreal.username',
  CLAUDE_CACHE_STORAGE_DIR: 'storageDir',
});

/**
 * Combines sources in order of precedence, lowest first: `layeredReader(userSettings, workspaceSettings,
 * environment, flags)`.
 * The last reader with a value (not undefined) for a key wins.
 */
export function layeredReader(...readers: readonly ConfigReader[]): ConfigReader {
  return (key) => {
    for (let i = readers.length - 1; i >= 0; i--) {
      const value = readers[i]!(key);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}

/**
 * The environment layer. A variable set to the empty string counts as unset, the usual reading in CI where
 * a missing secret expands to ''.
 */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): ConfigReader {
  const values = new Map<string, string>();
  for (const [variable, key] of Object.entries(ENVIRONMENT_SETTINGS)) {
    const value = env[variable];
    if (value !== undefined && value !== '') values.set(key, value);
  }
  return (key) => values.get(key);
}

/** Reads dotted keys straight from an object, e.g. parsed command-line flags `{ 'redis.url': '...' }`. */
export function objectReader(values: Readonly<Record<string, unknown>>): ConfigReader {
  return (key) => (Object.hasOwn(values, key) ? values[key] : undefined);
}

/**
 * Reads a parsed settings.json: `"claudeCache.redis.url": "..."` as VS Code writes it, or the same key spelt
 * as nested objects (`"claudeCache": { "redis": { "url": "..." } }`, or any mix).
 */
export function settingsFileReader(settings: unknown): ConfigReader {
  return (key) => lookup(settings, [SETTINGS_SECTION, ...key.split('.')]);
}

function lookup(node: unknown, segments: readonly string[]): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const record = node as Record<string, unknown>;
  // Longest dotted name first: "claudeCache.redis.url" before "claudeCache" -> "redis" -> "url".
  for (let take = segments.length; take >= 1; take--) {
    const name = segments.slice(0, take).join('.');
    if (!Object.hasOwn(record, name)) continue;
    const value = take === segments.length ? record[name] : lookup(record[name], segments.slice(take));
    if (value !== undefined) return value;
  }
  return undefined;
}
