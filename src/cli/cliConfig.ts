import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import {
  configFromEnvironment,
  layeredReader,
  objectReader,
  resolveConfig,
  settingsFileReader,
  type CacheConfig,
  type ConfigProblem,
} from '../core/config';
import { SettingsFileError } from './cliErrors';

export interface CliConfig {
  config: CacheConfig;
  problems: ConfigProblem[];
  /** Where the workspace settings came from, or undefined when the workspace has none. */
  settingsFile: string | undefined;
}

/**
 * The same precedence a team's CI and editors share: the workspace's `.vscode/settings.json`, then the
 * environment, then flags (later wins).
 */
export async function loadCliConfig(
  workspace: string,
  env: Readonly<Record<string, string | undefined>>,
  flags: Readonly<Record<string, unknown>>,
): Promise<CliConfig> {
  const settingsPath = path.join(workspace, '.vscode', 'settings.json');
  const settings = await readSettingsFile(settingsPath);
  const { config, problems } = resolveConfig(
    layeredReader(settingsFileReader(settings ?? {}), configFromEnvironment(env), objectReader(flags)),
  );
  return { config, problems, settingsFile: settings === undefined ? undefined : settingsPath };
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
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const line = text.slice(0, first.offset).split('\n').length;
    throw new SettingsFileError(`${file}:${line}: ${printParseErrorCode(first.error)}; fix the file or remove it`);
  }
  return value;
}
