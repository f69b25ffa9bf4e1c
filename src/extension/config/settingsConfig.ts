import type { CacheConfig, ConfigProblem, ConfigReader } from '../../core/config';
import { TRUST_RESTRICTED_SETTINGS, resolveConfig } from '../../core/config';

/**
 * Settings a workspace could use against its user (the API key is sent to apiBaseUrl, cache contents go to the
 * store URLs and folder): the ones CONFIG_KEYS marks `trustRestricted`. In an untrusted workspace only the user's
 * own values count for these.
 */
export { TRUST_RESTRICTED_SETTINGS };

/**
 * A reader over VS Code's settings that, in an untrusted workspace, ignores workspace values of the restricted
 * settings (`readUser` reads the user-level value alone).
 */
export function trustAwareReader(read: ConfigReader, readUser: ConfigReader, trusted: boolean): ConfigReader {
  if (trusted) return read;
  return (key) => ((TRUST_RESTRICTED_SETTINGS as readonly string[]).includes(key) ? readUser(key) : read(key));
}

/**
 * The engine's config from `claudeCache.*` settings. An empty storage folder means the extension's own global
 * storage (VS Code cleans it up with the extension), not the CLI's per-user cache folder.
 */
export function configFromSettings(
  read: ConfigReader,
  globalStorageDir: string,
): { config: CacheConfig; problems: ConfigProblem[] } {
  return resolveConfig((key) => {
    const value = read(key);
    if (key === 'storageDir' && (value === undefined || value === null || value === '')) return globalStorageDir;
    return value;
  });
}
