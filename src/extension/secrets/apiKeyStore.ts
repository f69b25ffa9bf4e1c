import type * as vscode from 'vscode';

const API_KEY_SECRET = 'claudeCache.anthropicApiKey';
const SURREAL_PASSWORD_SECRET = 'claudeCache.surrealPassword';

/** Where the key in use came from, for messages (never the key itself). */
export type ApiKeySource = 'secret-storage' | 'environment' | 'none';

/**
 * The Anthropic API key lives in VS Code's SecretStorage (the OS keychain), never in settings, logs or the
 * cache. Without a stored key, the ANTHROPIC_API_KEY environment variable is used, as the CLI does.
 */
export class ApiKeyStore {
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

  async apiKey(): Promise<{ key: string | undefined; source: ApiKeySource }> {
    const stored = (await this.secrets.get(API_KEY_SECRET))?.trim();
    if (stored) return { key: stored, source: 'secret-storage' };
    const fromEnv = this.env.ANTHROPIC_API_KEY?.trim();
    if (fromEnv) return { key: fromEnv, source: 'environment' };
    return { key: undefined, source: 'none' };
  }

  async setApiKey(key: string): Promise<void> {
    await this.secrets.store(API_KEY_SECRET, key.trim());
  }

  async clearApiKey(): Promise<void> {
    await this.secrets.delete(API_KEY_SECRET);
  }

  /** A remote SurrealDB's password: stored secret, else CLAUDE_CACHE_SURREAL_PASSWORD as the CLI reads it. */
  async surrealPassword(): Promise<string | undefined> {
    return (await this.secrets.get(SURREAL_PASSWORD_SECRET)) || this.env.CLAUDE_CACHE_SURREAL_PASSWORD || undefined;
  }
}
