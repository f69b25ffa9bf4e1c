import type { SettingsUnder } from './settingGroup';
import { urlProblem } from './settingChecks';

/** The SurrealDB tier: embedded in the storage folder or a server, its namespace, database, user and entry cap. */
export const SURREAL_SETTINGS: SettingsUnder<'surreal'> = {
  'surreal.url': {
    // Cache contents and the SurrealDB password go here.
    trustRestricted: true,
    type: 'string',
    default: '',
    pattern: '^((surrealkv|mem|ws|wss|http|https)://.*)?$',
    patternErrorMessage: 'not a surrealkv://, mem://, ws://, wss://, http:// or https:// URL',
    emptyMeans: 'embedded SurrealDB in the storage folder',
    check: urlProblem(['surrealkv:', 'mem:', 'ws:', 'wss:', 'http:', 'https:']),
    description:
      'SurrealDB URL (surrealkv://, mem://, a server at ws://, wss://, http://, https://); empty embeds SurrealDB in the storage folder, shared by every window and CLI run.',
  },
  'surreal.namespace': {
    type: 'string',
    default: 'claude_cache',
    pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
    patternErrorMessage: 'not an identifier (letters, digits, _; 1 to 64 characters)',
    description: 'SurrealDB namespace holding the cache.',
  },
  'surreal.database': {
    type: 'string',
    default: 'cache',
    pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
    patternErrorMessage: 'not an identifier (letters, digits, _; 1 to 64 characters)',
    description: 'SurrealDB database holding the cache.',
  },
  'surreal.username': {
    // The stored SurrealDB password is sent with this user.
    trustRestricted: true,
    type: 'string',
    default: '',
    pattern: '^[A-Za-z0-9._@-]{0,64}$',
    patternErrorMessage: 'not a user name (letters, digits, . _ @ -; at most 64 characters)',
    emptyMeans: 'no sign-in',
    description: 'User for a remote SurrealDB (its password comes from secret storage); empty for the embedded engine.',
  },
  'surreal.maxEntries': {
    type: 'integer',
    default: 100000,
    minimum: 1,
    maximum: 100000000,
    description: 'Most entries kept in SurrealDB before the least recently used are evicted.',
  },
};

/** The archive beside SurrealDB's cache table, where expired and pruned answers are kept for browsing. */
export const ARCHIVE_SETTINGS: SettingsUnder<'archive'> = {
  'archive.maxEntries': {
    type: 'integer',
    default: 200,
    minimum: 0,
    maximum: 100000,
    description:
      'Most expired or pruned answers kept in the SurrealDB archive for browsing (never served as hits); 0 turns the archive off.',
  },
};
