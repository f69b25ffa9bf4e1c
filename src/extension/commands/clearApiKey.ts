import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';

/** Clear API Key: forgets the stored key; ANTHROPIC_API_KEY, when set, is used again. */
export async function clearApiKey(services: ExtensionServices): Promise<void> {
  await services.secrets.clearApiKey();
  // Not read back from secret storage: a read right after the delete may still see the old key.
  const fallback = services.secrets.environmentKey();
  services.host.setApiKey(fallback);
  services.logger.info(`stored API key removed${fallback ? '; using ANTHROPIC_API_KEY' : ''}`);
  void vscode.window.showInformationMessage(
    fallback
      ? 'Claude Cache: stored API key removed; using ANTHROPIC_API_KEY from the environment.'
      : 'Claude Cache: stored API key removed.',
  );
}
