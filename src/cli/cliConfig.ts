import { readFile } from '../core/io/fileOps';
import path from 'node:path';
import type { ParseError } from 'jsonc-parser';
import { jsoncModule } from '../core/lazy/lazyModules';
import {
  TRUST_RESTRICTED_SETTINGS,
  configFromEnvironment,
  layeredReader,
  objectReader,
  resolveConfig,
  settingId,
  settingsFileReader,
  type CacheConfig,
  type ConfigProblem,
  type ConfigReader,
} from '../core/config';
import { SettingsFileError } from './cliErrors';

export interface CliConfig {
  config: CacheConfig;
  problems: ConfigProblem[];
  /** Where the workspace settings came from, or undefined when the workspace has none. */
  settingsFile: string | undefined;
  /** The user settings file that was read, or undefined when there is none. */
  userSettingsFile: string | undefined;
  /**
   * Trust-restricted settings (full ids) the untrusted workspace set and that would have applied (no environment
   * variable or flag overrides them), but were not used.
   */
  ignoredWorkspaceSettings: string[];
}

export interface CliConfigOptions {
  /** The user's settings.json (see userSettingsPath), or undefined for none. */
  userSettingsFile?: string | undefined;
  /** Let the workspace's settings.json choose the trust-restricted settings too. */
  trustWorkspace?: boolean;
}

/**
 * VS Code's precedence, then the CLI's own: the user's settings.json, the workspace's `.vscode/settings.json`, the
 * environment, then flags (later wins). A workspace is someone else's code until trusted, so its values of the
 * trust-restricted settings (where the API key, cache contents and passwords go) are skipped unless
 * `trustWorkspace`, as VS Code does for an untrusted workspace.
 */
export async function loadCliConfig(
  workspace: string,
  env: Readonly<Record<string, string | undefined>>,
  flags: Readonly<Record<string, unknown>>,
  options: CliConfigOptions = {},
): Promise<CliConfig> {
  const settingsPath = path.join(workspace, '.vscode', 'settings.json');
  const [settings, userSettings] = await Promise.all([
    readSettingsFile(settingsPath),
    options.userSettingsFile === undefined ? undefined : readSettingsFile(options.userSettingsFile),
  ]);
  const fromWorkspace = settingsFileReader(settings ?? {});
  const overrides = layeredReader(configFromEnvironment(env), objectReader(flags));
  const restricted = new Set<string>(TRUST_RESTRICTED_SETTINGS);
  const trusted = options.trustWorkspace === true;
  const workspaceLayer: ConfigReader = trusted ? fromWorkspace : (key) => (restricted.has(key) ? undefined : fromWorkspace(key));
  const { config, problems } = resolveConfig(
    layeredReader(settingsFileReader(userSettings ?? {}), workspaceLayer, overrides),
  );
  const ignored = trusted
    ? []
    : TRUST_RESTRICTED_SETTINGS.filter((key) => isSet(fromWorkspace(key)) && overrides(key) === undefined).map(settingId);
  return {
    config,
    problems,
    settingsFile: settings === undefined ? undefined : settingsPath,
    userSettingsFile: userSettings === undefined ? undefined : options.userSettingsFile,
    ignoredWorkspaceSettings: ignored,
  };
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Parses a settings.json the way VS Code does (comments and trailing commas allowed). */
export async function readSettingsFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SettingsFileError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const errors: ParseError[] = [];
  const { parse, printParseErrorCode } = jsoncModule();
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const line = text.slice(0, first.offset).split('\n').length;
    throw new SettingsFileError(`${file}:${line}: ${printParseErrorCode(first.error)}; fix the file or remove it`);
  }
  return value;
}
