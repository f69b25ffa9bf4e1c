/**
 * Trusts the workspace's `.vscode/settings.json` with the trust-restricted settings, for CI that checks out only
 * its own repository. Not for jobs that run on forks' pull requests: the fork then picks where the API key goes.
 */
export const TRUST_WORKSPACE_ENV = 'CLAUDE_CACHE_TRUST_WORKSPACE';
export const TRUST_WORKSPACE_FLAG = '--trust-workspace';

/** `--trust-workspace`, or CLAUDE_CACHE_TRUST_WORKSPACE set to 1 or true; anything else leaves it untrusted. */
export function workspaceTrusted(flag: unknown, env: Readonly<Record<string, string | undefined>>): boolean {
  if (flag === true) return true;
  const value = env[TRUST_WORKSPACE_ENV]?.trim().toLowerCase();
  return value === '1' || value === 'true';
}

/**
 * The one line printed when the workspace set trust-restricted settings that were not used. It names the
 * settings, never their values (a URL could carry a token), and says how to trust the workspace.
 */
export function ignoredSettingsNotice(settingIds: readonly string[], settingsFile: string): string {
  return (
    `claude-cache: ignoring ${settingIds.join(', ')} from ${settingsFile}: an untrusted workspace does not choose ` +
    'where the API key, cache contents or passwords go (set them in your user settings or the environment, or pass ' +
    `${TRUST_WORKSPACE_FLAG} / ${TRUST_WORKSPACE_ENV}=1 if you trust this workspace)\n`
  );
}
