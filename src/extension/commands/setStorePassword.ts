import * as vscode from 'vscode';
import type { PasswordStore } from '../secrets/extensionSecrets';
import type { ExtensionServices } from '../services';

interface StoreChoice extends vscode.QuickPickItem {
  store: PasswordStore;
  environmentVariable: string;
}

const CHOICES: readonly StoreChoice[] = [
  {
    store: 'redis',
    label: 'Redis',
    detail: 'AUTH password, or the password of the ACL user named in claudeCache.redis.url',
    environmentVariable: 'CLAUDE_CACHE_REDIS_PASSWORD',
  },
  {
    store: 'surreal',
    label: 'SurrealDB',
    detail: 'Password of claudeCache.surreal.username on a remote SurrealDB server',
    environmentVariable: 'CLAUDE_CACHE_SURREAL_PASSWORD',
  },
];

/**
 * Set Store Password: a Redis or remote SurrealDB password, kept in secret storage (never in settings, where
 * a URL with a password is refused). Every window's engine reconnects with it.
 */
export async function setStorePassword(services: ExtensionServices): Promise<void> {
  const choice = await vscode.window.showQuickPick(CHOICES, {
    title: 'Claude Cache: Set Store Password',
    placeHolder: 'Which server is the password for?',
  });
  if (!choice) return;
  const password = await vscode.window.showInputBox({
    title: `Claude Cache: ${choice.label} Password`,
    prompt: `Kept in secret storage. Leave empty to remove the stored password (${choice.environmentVariable} then applies, as for the CLI).`,
    password: true,
    ignoreFocusOut: true,
  });
  if (password === undefined) return;
  await services.secrets.setStorePassword(choice.store, password);
  const what = password === '' ? 'removed from' : 'stored in';
  // Every window (this one included) reopens its engine on the secret-storage change event.
  services.logger.info(`${choice.label} password ${what} secret storage; the cache reconnects with it`);
  void vscode.window.showInformationMessage(`Claude Cache: ${choice.label} password ${what} secret storage; the cache reconnects with it.`);
}
