import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';

/** Clear API Key: forgets the stored key; ANTHROPIC_API_KEY, when set, is used again. */
export async function clearApiKey(services: ExtensionServices): Promise<void> {
  await services.apiKeys.clearApiKey();
  const fallback = await services.apiKeys.apiKey();
  services.host.setApiKey(fallback.key);
  services.logger.info(`stored API key removed${fallback.source === 'environment' ? '; using ANTHROPIC_API_KEY' : ''}`);
  void vscode.window.showInformationMessage(
    fallback.source === 'environment'
      ? 'Claude Cache: stored API key removed; using ANTHROPIC_API_KEY from the environment.'
      : 'Claude Cache: stored API key removed.',
  );
}
