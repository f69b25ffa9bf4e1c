import path from 'node:path';

/** Names the user's settings file outright (VS Code Insiders, VSCodium, a profile, or a CI job's own file). */
export const USER_SETTINGS_ENV = 'CLAUDE_CACHE_USER_SETTINGS';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Where VS Code keeps the user's settings.json on this platform, so the CLI reads the same user settings the
 * extension does: `%APPDATA%\Code\User\settings.json` on Windows, `~/Library/Application Support/Code/User/...` on
 * macOS, `~/.config/Code/User/...` on Linux (https://code.visualstudio.com/docs/configure/settings#_settings-file-locations,
 * approved 2025-11-12). VS Code itself also honours VSCODE_APPDATA and, on Linux, XDG_CONFIG_HOME
 * (src/vs/platform/environment/node/userDataPath.ts in microsoft/vscode), so this does too.
 *
 * Only `env` is consulted, never the process's own home lookup, so a test (or a CI job) that sets HOME decides
 * alone which file is read. Undefined when the environment names no home at all.
 */
export function userSettingsPath(env: Environment, cwd: string, platform: NodeJS.Platform = process.platform): string | undefined {
  const explicit = env[USER_SETTINGS_ENV];
  if (explicit) return path.resolve(cwd, explicit);
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const appData = env.VSCODE_APPDATA || platformAppData(env, platform, paths);
  return appData ? paths.join(appData, 'Code', 'User', 'settings.json') : undefined;
}

function platformAppData(env: Environment, platform: NodeJS.Platform, paths: path.PlatformPath): string | undefined {
  if (platform === 'win32') return env.APPDATA || (env.USERPROFILE ? paths.join(env.USERPROFILE, 'AppData', 'Roaming') : undefined);
  if (platform === 'darwin') return env.HOME ? paths.join(env.HOME, 'Library', 'Application Support') : undefined;
  return env.XDG_CONFIG_HOME || (env.HOME ? paths.join(env.HOME, '.config') : undefined);
}
