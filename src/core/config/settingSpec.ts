import type { CacheConfig } from './cacheConfig';

type Scalar = string | number | boolean;

// `prices` is a record keyed by model id: a single setting, not a folder of settings.
type LeafPaths<T> = {
  [K in keyof T & string]: T[K] extends Scalar | readonly unknown[]
    ? K
    : K extends 'prices'
      ? K
      : `${K}.${LeafPaths<T[K]>}`;
}[keyof T & string];

/** A setting's key under `claudeCache.`, e.g. `redis.url` or `layers.result.ttlSeconds`. */
export type ConfigKey = LeafPaths<CacheConfig>;

/** The CacheConfig type of the value a dotted key sets. */
export type ConfigValue<K extends string, T = CacheConfig> = K extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? ConfigValue<Rest, T[Head]>
    : never
  : K extends keyof T
    ? T[K]
    : never;

export type ParseResult<V> = { readonly ok: true; readonly value: V } | { readonly ok: false; readonly reason: string };

interface SettingCommon<V> {
  /** One line, shown in the settings UI and in `--help`. */
  readonly description: string;
  readonly default: V;
  /**
   * A value a workspace could turn against its user: where the API key, cache contents or a store password go.
   * Listed in package.json `capabilities.untrustedWorkspaces.restrictedConfigurations`, for which VS Code returns
   * only the user-defined value in Restricted Mode
   * (https://code.visualstudio.com/api/extension-guides/workspace-trust#configurations-settings); the CLI takes
   * it from user settings, the environment or flags only, unless the workspace is trusted (--trust-workspace).
   */
  readonly trustRestricted?: true;
}

/** Field names follow JSON Schema / package.json `contributes.configuration`, so the VS Code layer can copy them. */
export interface StringSetting<V extends string = string> extends SettingCommon<V> {
  readonly type: 'string';
  readonly enum?: readonly V[];
  readonly enumDescriptions?: readonly string[];
  /** A regular expression (source text) the whole value must match. */
  readonly pattern?: string;
  /** Why a value failing `pattern` is refused, phrased to follow "is <value>, ". */
  readonly patternErrorMessage?: string;
  /** What the empty string stands for, when it is allowed. */
  readonly emptyMeans?: string;
  /** A check beyond `pattern` (a URL's scheme, a path's form): the reason a value is refused, or undefined. */
  readonly check?: (value: string) => string | undefined;
}

export interface NumberSetting extends SettingCommon<number> {
  readonly type: 'integer' | 'number';
  readonly minimum: number;
  readonly maximum: number;
}

export interface BooleanSetting extends SettingCommon<boolean> {
  readonly type: 'boolean';
}

/** An object or array setting, validated for shape only. */
export interface StructuredSetting<V> extends SettingCommon<V> {
  readonly type: 'object' | 'array';
  readonly parse: (raw: unknown) => ParseResult<V>;
}

export type SettingSpec<V> = [V] extends [string]
  ? StringSetting<V>
  : [V] extends [number]
    ? NumberSetting
    : [V] extends [boolean]
      ? BooleanSetting
      : StructuredSetting<V>;

export type AnySettingSpec = StringSetting | NumberSetting | BooleanSetting | StructuredSetting<unknown>;

/** Every setting, each described by a spec whose default has the type CacheConfig gives that field. */
export type ConfigKeys = { readonly [K in ConfigKey]: SettingSpec<ConfigValue<K>> };
