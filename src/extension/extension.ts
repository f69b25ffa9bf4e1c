import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Claude Prompt Cache', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(vscode.commands.registerCommand('claudeCache.showLog', () => log.show()));

  // A visible sign of activation (the e2e smoke test waits for it); the real status bar will replace it.
  const status = vscode.window.createStatusBarItem('claudeCache.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Claude Cache';
  status.text = '$(database) Claude Cache';
  status.tooltip = 'Claude Prompt Cache is active: show its log';
  status.command = 'claudeCache.showLog';
  status.show();
  context.subscriptions.push(status);

  log.info('[extension] activated');
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
