import type * as vscode from 'vscode';
import { ENCRYPTION_KEY_ENV } from '../../core/security/encryptionKey';

const API_KEY_SECRET = 'claudeCache.anthropicApiKey';
const SURREAL_PASSWORD_SECRET = 'claudeCache.surrealPassword';
const REDIS_PASSWORD_SECRET = 'claudeCache.redisPassword';
const ENCRYPTION_KEY_SECRET = 'claudeCache.encryptionKey';

/** A storage tier whose server may ask for a password. */
export type PasswordStore = 'redis' | 'surreal';

const PASSWORD_SECRETS: Readonly<Record<PasswordStore, string>> = {
  redis: REDIS_PASSWORD_SECRET,
  surreal: SURREAL_PASSWORD_SECRET,
};

/** Where the key in use came from, for messages (never the key itself). */
export type ApiKeySource = 'secret-storage' | 'environment' | 'none';

/**
 * The extension's secrets: the Anthropic API key, the encryption key of the shared tiers and a remote
 * SurrealDB's password. They live in VS Code's SecretStorage (the OS keychain), never in settings, logs or the
 * cache; without a stored one, the environment variable the CLI reads is used.
 */
export class ExtensionSecrets {
  /** What this window last wrote, until the change event it causes has been seen; null when none. */
  private ownWrite: { key: string | undefined } | null = null;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  /** Fires when the stored key changes, in this window or another. */
  get onDidChange(): vscode.Event<vscode.SecretStorageChangeEvent> {
    return this.secrets.onDidChange;
  }

  isApiKeyChange(event: vscode.SecretStorageChangeEvent): boolean {
    return event.key === API_KEY_SECRET;
  }

  isEncryptionKeyChange(event: vscode.SecretStorageChangeEvent): boolean {
    return event.key === ENCRYPTION_KEY_SECRET;
  }

  async apiKey(): Promise<{ key: string | undefined; source: ApiKeySource }> {
    const stored = (await this.secrets.get(API_KEY_SECRET))?.trim();
    if (stored) return { key: stored, source: 'secret-storage' };
    const fromEnv = this.environmentKey();
    if (fromEnv) return { key: fromEnv, source: 'environment' };
    return { key: undefined, source: 'none' };
  }

  /** ANTHROPIC_API_KEY, the fallback when no key is stored. */
  environmentKey(): string | undefined {
    return this.env.ANTHROPIC_API_KEY?.trim() || undefined;
  }

  async setApiKey(key: string): Promise<void> {
    this.ownWrite = { key: key.trim() };
    await this.secrets.store(API_KEY_SECRET, key.trim());
  }

  async clearApiKey(): Promise<void> {
    this.ownWrite = { key: undefined };
    await this.secrets.delete(API_KEY_SECRET);
  }

  /**
   * The key after a change event. For this window's own write the written value is trusted: in a remote or
   * web workbench a read right after a store can still come back empty. A change made elsewhere is read.
   */
  async apiKeyAfterChange(): Promise<string | undefined> {
    const own = this.ownWrite;
    this.ownWrite = null;
    if (own) return own.key ?? this.environmentKey();
    return (await this.apiKey()).key;
  }

  /** A remote SurrealDB's password: stored secret, else CLAUDE_CACHE_SURREAL_PASSWORD as the CLI reads it. */
  async surrealPassword(): Promise<string | undefined> {
    return (await this.secrets.get(SURREAL_PASSWORD_SECRET)) || this.env.CLAUDE_CACHE_SURREAL_PASSWORD || undefined;
  }

  /** The Redis password (AUTH or the URL's ACL user): stored secret, else CLAUDE_CACHE_REDIS_PASSWORD as the CLI reads it. */
  async redisPassword(): Promise<string | undefined> {
    return (await this.secrets.get(REDIS_PASSWORD_SECRET)) || this.env.CLAUDE_CACHE_REDIS_PASSWORD || undefined;
  }

  /** Stores a server password; an empty one removes the stored password (the environment's applies again). */
  async setStorePassword(store: PasswordStore, password: string): Promise<void> {
    if (password === '') await this.secrets.delete(PASSWORD_SECRETS[store]);
    else await this.secrets.store(PASSWORD_SECRETS[store], password);
  }

  /** True for a change of either server password, after which the engine must reconnect. */
  isStorePasswordChange(event: vscode.SecretStorageChangeEvent): boolean {
    return Object.values(PASSWORD_SECRETS).includes(event.key);
  }

  /** The key that seals values in Redis and SurrealDB: stored secret, else CLAUDE_CACHE_ENCRYPTION_KEY. */
  async encryptionKey(): Promise<string | undefined> {
    return (await this.secrets.get(ENCRYPTION_KEY_SECRET))?.trim() || this.env[ENCRYPTION_KEY_ENV]?.trim() || undefined;
  }

  async setEncryptionKey(key: string): Promise<void> {
    await this.secrets.store(ENCRYPTION_KEY_SECRET, key.trim());
  }
}
