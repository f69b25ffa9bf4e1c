import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Claude Prompt Cache', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(vscode.commands.registerCommand('claudeCache.showLog', () => log.show()));
  log.info('[extension] activated');
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
