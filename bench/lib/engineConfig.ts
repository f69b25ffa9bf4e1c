import { objectReader, resolveConfig, type CacheConfig } from '../../src/core/config';

export interface BenchEngineSettings {
  /** Names the section in the error when a setting is refused. */
  section: string;
  storageDir: string;
  redisUrl: string;
  keyPrefix: string;
  /** The loopback fake Messages API; the bench's runs use the default model there. */
  apiBaseUrl?: string;
  /** More settings on top (`claudeCache.` keys without the prefix). */
  settings?: Readonly<Record<string, unknown>>;
}

/**
 * The config of an engine a bench section opens over the bench's Redis, refused outright when any setting is: a
 * bench that silently ran on defaults would measure the wrong thing.
 */
export function benchEngineConfig(options: BenchEngineSettings): CacheConfig {
  const { config, problems } = resolveConfig(
    objectReader({
      ...(options.apiBaseUrl ? { apiBaseUrl: options.apiBaseUrl, model: 'claude-sonnet-5-5' } : {}),
      storageDir: options.storageDir,
      'redis.url': options.redisUrl,
      'redis.keyPrefix': options.keyPrefix,
      ...options.settings,
    }),
  );
  if (problems.length > 0) throw new Error(`${options.section} config: ${problems.map((problem) => problem.message).join('; ')}`);
  return config;
}
