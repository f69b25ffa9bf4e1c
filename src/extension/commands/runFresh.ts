import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { workflowsTrusted } from '../workflows/trustPrompt';

/** Runs the workflow behind an answer document again, skipping its cached answer. */
export async function runFresh(services: ExtensionServices, uri?: unknown): Promise<void> {
  if (!workflowsTrusted('run')) return;
  // From the answer's editor title or CodeLens the URI comes along; from the Markdown preview, the answer in view.
  const target = services.answers.resolve(uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri);
  const request = target ? services.answers.requestOf(target) : undefined;
  if (!request) {
    void vscode.window.showInformationMessage('Claude Cache: this answer is no longer kept; use "Run Workflow..." instead.');
    return;
  }
  await services.runner.run(request, true);
}
