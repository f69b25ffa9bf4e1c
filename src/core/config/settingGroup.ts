import type { ConfigKey, ConfigKeys } from './settingSpec';

/**
 * The specs of every setting under `prefix.` (e.g. all of `redis.*`), so a group file cannot leave one of its
 * settings out nor hold another group's.
 */
export type SettingsUnder<Prefix extends string> = {
  readonly [K in Extract<ConfigKey, `${Prefix}.${string}`>]: ConfigKeys[K];
};
