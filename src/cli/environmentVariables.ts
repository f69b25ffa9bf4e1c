import { ENVIRONMENT_SETTINGS } from '../core/config/readers';
import { ENCRYPTION_KEY_ENV } from '../core/security/encryptionKey';
import { USER_SETTINGS_ENV } from './userSettingsPath';
import { TRUST_WORKSPACE_ENV } from './workspaceTrust';

/** Secrets, and the file a secret is in: read from the environment only, never from a settings file. */
export const SECRET_ENVIRONMENT = {
  apiKey: 'ANTHROPIC_API_KEY',
  redisPassword: 'CLAUDE_CACHE_REDIS_PASSWORD',
  redisCaFile: 'CLAUDE_CACHE_REDIS_CA_FILE',
  surrealPassword: 'CLAUDE_CACHE_SURREAL_PASSWORD',
  encryptionKey: ENCRYPTION_KEY_ENV,
} as const;

/**
 * Every environment variable the CLI reads: settings (ENVIRONMENT_SETTINGS), where the user settings are, whether
 * to trust the workspace, and the secrets. `--help` and the README are checked against this list.
 */
export const CLI_ENVIRONMENT: readonly string[] = [
  ...Object.keys(ENVIRONMENT_SETTINGS),
  USER_SETTINGS_ENV,
  TRUST_WORKSPACE_ENV,
  ...Object.values(SECRET_ENVIRONMENT),
];
