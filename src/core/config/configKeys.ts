import type { AnySettingSpec, ConfigKey, ConfigKeys } from './settingSpec';
import { CLAUDE_SETTINGS } from './claudeSettings';
import { COST_SETTINGS } from './costSettings';
import { LAYER_SETTINGS } from './layerSettings';
import { PINNING_SETTINGS } from './memorySettings';
import { ALERT_SETTINGS, METRICS_SETTINGS } from './monitoringSettings';
import { PREWARM_SETTINGS } from './prewarmSettings';
import { REDIS_SETTINGS } from './redisSettings';
import { SELF_TUNING_SETTINGS } from './selfTuningSettings';
import { AT_REST_SETTINGS, STORAGE_DIR_SETTINGS } from './storageSettings';
import { ARCHIVE_SETTINGS, SURREAL_SETTINGS } from './surrealSettings';
import { TIER_GUARD_SETTINGS, WRITE_SETTINGS } from './tierSettings';

/** The settings section: `claudeCache.redis.url` is key `redis.url` of this section. */
export const SETTINGS_SECTION = 'claudeCache';

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
 * resolver validates against and the VS Code layer generates or checks package.json from. Each concern's
 * settings are defined in their own file; the order here is the order of the settings page and of package.json.
 */
export const CONFIG_KEYS: ConfigKeys = {
  ...CLAUDE_SETTINGS,
  ...LAYER_SETTINGS,
  ...WRITE_SETTINGS,
  ...REDIS_SETTINGS,
  ...TIER_GUARD_SETTINGS,
  ...SURREAL_SETTINGS,
  ...STORAGE_DIR_SETTINGS,
  ...COST_SETTINGS,
  ...PREWARM_SETTINGS,
  ...SELF_TUNING_SETTINGS,
  ...AT_REST_SETTINGS,
  ...PINNING_SETTINGS,
  ...METRICS_SETTINGS,
  ...ARCHIVE_SETTINGS,
  ...ALERT_SETTINGS,
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
