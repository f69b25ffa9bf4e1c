import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

const APP_DIR = 'claude-prompt-cache';

/**
 * The per-user cache folder this platform expects: `$XDG_CACHE_HOME/claude-prompt-cache` or
 * `~/.cache/claude-prompt-cache` on Linux and other Unixes, `~/Library/Caches/claude-prompt-cache` on macOS,
 * `%LOCALAPPDATA%\claude-prompt-cache` on Windows. Cache data, not settings: deleting it only costs re-fetching.
 */
export function defaultStorageDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    const localAppData = env.LOCALAPPDATA;
    return localAppData && win32.isAbsolute(localAppData)
      ? win32.join(localAppData, APP_DIR)
      : win32.join(home, 'AppData', 'Local', APP_DIR);
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Caches', APP_DIR);
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  return xdg && posix.isAbsolute(xdg) ? posix.join(xdg, APP_DIR) : posix.join(home, '.cache', APP_DIR);
}
