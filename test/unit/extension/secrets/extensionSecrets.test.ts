import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ExtensionSecrets } from '../../../../src/extension/secrets/extensionSecrets';

/** SecretStorage over a map; `lagging` makes reads miss, as a web workbench's can right after a write. */
class MapSecrets {
  readonly values = new Map<string, string>();
  lagging = false;
  private readonly listeners: Array<(event: vscode.SecretStorageChangeEvent) => void> = [];

  readonly onDidChange = (listener: (event: vscode.SecretStorageChangeEvent) => void) => {
    this.listeners.push(listener);
    return { dispose: () => undefined };
  };

  async get(key: string): Promise<string | undefined> {
    return this.lagging ? undefined : this.values.get(key);
  }

  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    for (const listener of this.listeners) listener({ key });
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
    for (const listener of this.listeners) listener({ key });
  }

  async keys(): Promise<string[]> {
    return [...this.values.keys()];
  }
}

function store(env: Record<string, string | undefined> = {}): { secrets: MapSecrets; keys: ExtensionSecrets } {
  const secrets = new MapSecrets();
  // MapSecrets implements the SecretStorage members ExtensionSecrets uses.
  return { secrets, keys: new ExtensionSecrets(secrets as unknown as vscode.SecretStorage, env) };
}

describe('ExtensionSecrets', () => {
  it('prefers the stored key over ANTHROPIC_API_KEY, and says where the key came from', async () => {
    const { keys } = store({ ANTHROPIC_API_KEY: ' sk-env ' });
    assert.deepEqual(await keys.apiKey(), { key: 'sk-env', source: 'environment' });
    await keys.setApiKey('  sk-stored ');
    assert.deepEqual(await keys.apiKey(), { key: 'sk-stored', source: 'secret-storage' });
  });

  it('has no key when neither is set', async () => {
    assert.deepEqual(await store({ ANTHROPIC_API_KEY: '  ' }).keys.apiKey(), { key: undefined, source: 'none' });
  });

  it('trusts its own write over a read that lags behind it', async () => {
    const { secrets, keys } = store();
    let seen: string | undefined = 'not yet';
    keys.onDidChange(async (event) => {
      if (keys.isApiKeyChange(event)) seen = await keys.apiKeyAfterChange();
    });
    secrets.lagging = true;
    await keys.setApiKey('sk-new');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(seen, 'sk-new');
  });

  it('reads a change made elsewhere, and falls back to the environment after its own clear', async () => {
    const { secrets, keys } = store({ ANTHROPIC_API_KEY: 'sk-env' });
    secrets.values.set('claudeCache.anthropicApiKey', 'sk-other-window');
    assert.equal(await keys.apiKeyAfterChange(), 'sk-other-window');
    await keys.clearApiKey();
    assert.equal(await keys.apiKeyAfterChange(), 'sk-env');
    assert.equal(keys.isApiKeyChange({ key: 'something.else' }), false);
  });

  it('reads the encryption key from the store, else from CLAUDE_CACHE_ENCRYPTION_KEY', async () => {
    const { secrets, keys } = store({ CLAUDE_CACHE_ENCRYPTION_KEY: ' env-key ' });
    assert.equal(await keys.encryptionKey(), 'env-key');
    let changed = false;
    keys.onDidChange((event) => (changed ||= keys.isEncryptionKeyChange(event)));
    await keys.setEncryptionKey(' stored-key ');
    assert.equal(await keys.encryptionKey(), 'stored-key');
    assert.equal(changed, true);
    assert.equal(secrets.values.size, 1);
  });

  it('reads a remote SurrealDB password from the store, else from the environment', async () => {
    const { secrets, keys } = store({ CLAUDE_CACHE_SURREAL_PASSWORD: 'env-pass' });
    assert.equal(await keys.surrealPassword(), 'env-pass');
    secrets.values.set('claudeCache.surrealPassword', 'stored-pass');
    assert.equal(await keys.surrealPassword(), 'stored-pass');
  });

  it('reads the Redis password from the store, else from CLAUDE_CACHE_REDIS_PASSWORD', async () => {
    const { secrets, keys } = store({ CLAUDE_CACHE_REDIS_PASSWORD: 'env-pass' });
    assert.equal(await keys.redisPassword(), 'env-pass');
    secrets.values.set('claudeCache.redisPassword', 'stored-pass');
    assert.equal(await keys.redisPassword(), 'stored-pass');
    assert.equal(await store().keys.redisPassword(), undefined);
  });

  it('stores a server password over the environment one, and an empty one removes it again', async () => {
    const { secrets, keys } = store({ CLAUDE_CACHE_REDIS_PASSWORD: 'env-pass' });
    const changes: boolean[] = [];
    keys.onDidChange((event) => changes.push(keys.isStorePasswordChange(event)));
    await keys.setStorePassword('redis', 'stored-pass');
    assert.equal(await keys.redisPassword(), 'stored-pass');
    await keys.setStorePassword('surreal', 'surreal-pass');
    assert.equal(await keys.surrealPassword(), 'surreal-pass');
    await keys.setStorePassword('redis', '');
    assert.equal(await keys.redisPassword(), 'env-pass');
    assert.deepEqual(changes, [true, true, true]);
    await keys.setApiKey('sk-x');
    assert.deepEqual(changes, [true, true, true, false]);
    assert.ok(!secrets.values.has('claudeCache.redisPassword'));
  });
});
