import * as vscode from 'vscode';
import { formatTraceMarkdown } from '../../core/trace';
import type { ExtensionServices } from '../services';
import { lastRunExplanation } from './lastRunExplanation';

/** Explain Last Run: the last run's lookup trace (each layer, each tier, hit or miss, why, latency) as Markdown. */
export async function explainLastRun(services: ExtensionServices): Promise<void> {
  const explanation = lastRunExplanation(services.host.engineIfReady, formatTraceMarkdown);
  if ('message' in explanation) {
    void vscode.window.showInformationMessage(explanation.message);
    return;
  }
  await services.readOnlyDocs.show('last run.md', explanation.markdown);
}
