// Runs inside VS Code's extension host through @vscode/test-cli (.vscode-test.mjs), not under plain mocha.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'claude-prompt-cache.claude-prompt-cache';

describe('Claude Prompt Cache in desktop VS Code', () => {
  it('activates and registers its commands', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('claudeCache.showLog'));
  });

  it('runs "Claude Cache: Show Log" without an error', async () => {
    await vscode.commands.executeCommand('claudeCache.showLog');
  });
});
