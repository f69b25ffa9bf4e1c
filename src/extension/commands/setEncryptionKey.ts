import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { ENCRYPTION_KEY_BYTES, parseEncryptionKey } from '../../core/security/encryptionKey';
import type { ExtensionServices } from '../services';

/**
 * Set Encryption Key: the key that seals values in Redis and SurrealDB (AES-256-GCM), typed or generated,
 * kept in secret storage. Every window's engine reopens with it (the shared tiers' codec is chosen at opening).
 */
export async function setEncryptionKey(services: ExtensionServices): Promise<void> {
  const typed = await vscode.window.showInputBox({
    title: 'Claude Cache: Set Encryption Key',
    prompt: 'The key every editor and CI job sharing your Redis or SurrealDB uses: 64 hex digits or 44 base64 characters. Leave empty to generate one.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') return undefined;
      try {
        parseEncryptionKey(value);
        return undefined;
      } catch (error) {
        return describeError(error);
      }
    },
  });
  if (typed === undefined) return;
  const generated = typed.trim() === '';
  const key = generated ? randomBytes(ENCRYPTION_KEY_BYTES).toString('base64') : typed.trim();
  await services.secrets.setEncryptionKey(key);
  // Every window (this one included) reopens its engine on the secret-storage change event.
  services.logger.info(`encryption key ${generated ? 'generated and ' : ''}stored in secret storage; the cache reopens with it`);
  const message = generated
    ? 'Claude Cache: a new encryption key is in secret storage. Give the same key to every editor and CI job that shares these tiers (CLAUDE_CACHE_ENCRYPTION_KEY for the CLI).'
    : 'Claude Cache: encryption key saved in secret storage; values in Redis and SurrealDB are sealed with it.';
  const choice = await vscode.window.showInformationMessage(message, ...(generated ? ['Copy Key'] : []));
  if (choice === 'Copy Key') await vscode.env.clipboard.writeText(key);
}
