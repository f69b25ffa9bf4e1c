import type { ConfigKeys } from './settingSpec';
import { storageDirProblem } from './settingChecks';

/** Where this machine keeps cache state on disk. */
export const STORAGE_DIR_SETTINGS: Pick<ConfigKeys, 'storageDir'> = {
  storageDir: {
    // Where cache contents are written on this machine.
    trustRestricted: true,
    type: 'string',
    default: '',
    emptyMeans: "the user's cache folder",
    check: storageDirProblem,
    description: "Folder for on-disk cache state; empty uses the user's cache folder (e.g. ~/.cache/claude-prompt-cache).",
  },
};

/** What the shared tiers (Redis, SurrealDB) may hold: values encrypted at rest, and whether runs with secrets go there. */
export const AT_REST_SETTINGS: Pick<ConfigKeys, 'encryption.enabled' | 'secrets.cacheInSharedTiers'> = {
  'encryption.enabled': {
    type: 'boolean',
    default: false,
    description:
      'Require encryption at rest (AES-256-GCM) of values in Redis and SurrealDB; the key comes from secret storage or CLAUDE_CACHE_ENCRYPTION_KEY, and without it the shared tiers stay off.',
  },
  'secrets.cacheInSharedTiers': {
    type: 'boolean',
    default: false,
    description:
      'Let runs whose prompt or context holds a likely secret (private key, API token, password=) be cached in Redis and SurrealDB; off keeps them in memory only.',
  },
};
