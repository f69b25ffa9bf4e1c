import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { formatDuration } from '../format';

/** Earlier Answers: the answers an answer view showed before its latest run, newest first, opened read-only. */
export async function showAnswerHistory(services: ExtensionServices, uri?: unknown): Promise<void> {
  const target = services.answers.resolve(uri);
  const view = target ? services.answers.view(target) : undefined;
  if (!view || view.history.length === 0) {
    void vscode.window.showInformationMessage('Claude Cache: this answer has no earlier runs kept.');
    return;
  }
  const now = Date.now();
  const chosen = await vscode.window.showQuickPick(
    view.history.map((earlier, position) => ({
      label: `${formatDuration(now - earlier.startedAt)} ago`,
      description: new Date(earlier.startedAt).toLocaleString(),
      detail: firstAnswerLine(earlier.text),
      earlier,
      position,
    })),
    { title: `Claude Cache: earlier answers of ${view.name.replace(/\.md$/, '')}`, matchOnDetail: true },
  );
  if (!chosen) return;
  const name = `${view.name.replace(/\.md$/, '')} (earlier ${chosen.position + 1})`;
  await services.readOnlyDocs.show(`${name}.md`, chosen.earlier.text);
}

/** Show Answer Source: the Markdown of the answer in view, where Copy and Insert at Cursor sit above each code block. */
export async function showAnswerSource(services: ExtensionServices, uri?: unknown): Promise<void> {
  const target = services.answers.resolve(uri);
  if (!target) return;
  const document = await vscode.workspace.openTextDocument(target);
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}

/** The first line of the answer itself (after the header), for the pick list. */
function firstAnswerLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#') && !line.startsWith('_'));
  return (lines[0] ?? '').slice(0, 100);
}
