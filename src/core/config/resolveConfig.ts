import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CacheConfig } from './cacheConfig';
import { CONFIG_KEYS, CONFIG_KEY_LIST, REMOVED_SETTINGS, settingId } from './configKeys';
import type { AnySettingSpec, ConfigKey, NumberSetting, ParseResult, StringSetting } from './settingSpec';
import { defaultStorageDir } from './storageDir';

/** Raw value of one setting by dotted key (`redis.url` for `claudeCache.redis.url`); undefined when unset. */
export type ConfigReader = (key: string) => unknown;

/** A setting whose value was refused; its default was used instead. */
export interface ConfigProblem {
  /** Full setting id, e.g. `claudeCache.redis.url`. */
  readonly setting: string;
  /** One sentence naming the setting, the refused value and the default used. */
  readonly message: string;
}

const SHOWN_VALUE_MAX = 60;

/** The settings' defaults as a config (storageDir '' stands for defaultStorageDir()). */
export const DEFAULT_CONFIG: CacheConfig = assemble((key) => CONFIG_KEYS[key].default);

/**
 * Reads and validates every setting. A malformed or out-of-range value becomes a problem and its default is
 * used, for that setting only, so one typo never disables the cache. Unset and null values take the default
 * silently. Numbers and booleans may also arrive as text ("4096", "true"), as environment variables and
 * command-line flags do. The returned config is deeply frozen.
 */
export function resolveConfig(read: ConfigReader): { config: CacheConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const config = assemble((key) => {
    const spec: AnySettingSpec = CONFIG_KEYS[key];
    const raw = read(key);
    if (raw === undefined || raw === null) return spec.default;
    const parsed = parseSetting(spec, raw);
    if (parsed.ok) return parsed.value;
    problems.push({ setting: settingId(key), message: problemMessage(key, spec, raw, parsed.reason) });
    return spec.default;
  });
  for (const [key, reason] of Object.entries(REMOVED_SETTINGS)) {
    const raw = read(key);
    if (raw !== undefined && raw !== null) problems.push({ setting: settingId(key), message: `${settingId(key)} ${reason}.` });
  }
  return { config: withEffectiveStorageDir(config), problems };
}

function parseSetting(spec: AnySettingSpec, raw: unknown): ParseResult<unknown> {
  switch (spec.type) {
    case 'string':
      return parseString(spec, raw);
    case 'integer':
    case 'number':
      return parseNumber(spec, raw);
    case 'boolean':
      if (raw === true || raw === 'true') return { ok: true, value: true };
      if (raw === false || raw === 'false') return { ok: true, value: false };
      return { ok: false, reason: 'not true or false' };
    case 'object':
    case 'array':
      return spec.parse(raw);
  }
}

function parseString(spec: StringSetting, raw: unknown): ParseResult<string> {
  if (typeof raw !== 'string') return { ok: false, reason: 'not text' };
  const value = raw.trim();
  if (spec.enum !== undefined && !spec.enum.includes(value)) {
    return { ok: false, reason: `not one of ${spec.enum.join(', ')}` };
  }
  if (spec.pattern !== undefined && !new RegExp(spec.pattern, 'u').test(value)) {
    return { ok: false, reason: spec.patternErrorMessage ?? `not matching ${spec.pattern}` };
  }
  const refused = spec.check?.(value);
  return refused === undefined ? { ok: true, value } : { ok: false, reason: refused };
}

function parseNumber(spec: NumberSetting, raw: unknown): ParseResult<number> {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw)) value = Number(raw);
  else return { ok: false, reason: 'not a number' };
  if (!Number.isFinite(value)) return { ok: false, reason: 'not a finite number' };
  if (spec.type === 'integer' && !Number.isInteger(value)) return { ok: false, reason: 'not a whole number' };
  if (value < spec.minimum) return { ok: false, reason: `below the minimum ${spec.minimum}` };
  if (value > spec.maximum) return { ok: false, reason: `above the maximum ${spec.maximum}` };
  return { ok: true, value };
}

function problemMessage(key: ConfigKey, spec: AnySettingSpec, raw: unknown, reason: string): string {
  const fallback =
    spec.type === 'string' && spec.default === '' && spec.emptyMeans !== undefined
      ? `"" (${spec.emptyMeans})`
      : show(spec.default);
  return `${settingId(key)} is ${show(raw)}, ${reason}; using the default ${fallback}.`;
}

/** A one-line, bounded rendering of any value for a message. */
function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  text = redactPasswords(text);
  return text.length > SHOWN_VALUE_MAX ? `${text.slice(0, SHOWN_VALUE_MAX - 1)}…` : text;
}

/** Messages end up in logs: a password typed into a URL setting must not travel with them. */
function redactPasswords(text: string): string {
  // Greedy to the last `@` of the quoted string: a password typed with a raw `@` or `/` is still hidden whole.
  return text.replace(/(\/\/[^/@\s:"]*:)[^\s"]*@/g, '$1***@');
}

function withEffectiveStorageDir(config: CacheConfig): CacheConfig {
  const setting = config.storageDir;
  let storageDir: string;
  if (setting === '') storageDir = defaultStorageDir();
  else if (setting === '~' || setting.startsWith('~/')) storageDir = join(homedir(), setting.slice(1));
  else storageDir = setting;
  return Object.freeze({ ...config, storageDir });
}

/** Builds the nested config from one value per dotted key. */
function assemble(valueOf: (key: ConfigKey) => unknown): CacheConfig {
  const root: Record<string, unknown> = {};
  for (const key of CONFIG_KEY_LIST) {
    const path = key.split('.');
    let node = root;
    for (const segment of path.slice(0, -1)) {
      node = (node[segment] ??= {}) as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = valueOf(key);
  }
  // Sound by construction: ConfigKeys maps every leaf path of CacheConfig to a spec whose default (and whose
  // parser's output) has that leaf's type, and the loop above sets each leaf exactly once.
  return deepFreeze(root) as unknown as CacheConfig;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
