import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';

/**
 * Set API Key: a password input box; the key goes to SecretStorage and into the open engine, never into
 * settings or the log. Resolves true when a key was set (the caller may then retry what needed it).
 */
export async function setApiKey(services: ExtensionServices): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: 'Claude Cache: Set API Key',
    prompt: 'Your Anthropic API key; it is kept in VS Code secret storage.',
    placeHolder: 'sk-ant-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') return 'Paste the key, or press Escape to cancel';
      if (/\s/.test(value.trim())) return 'An API key has no spaces in it';
      return undefined;
    },
  });
  if (key === undefined) return false;
  await services.secrets.setApiKey(key);
  services.host.setApiKey(key.trim());
  services.logger.info('API key stored in secret storage');
  void vscode.window.showInformationMessage('Claude Cache: API key saved in secret storage.');
  return true;
}
