import * as vscode from 'vscode';
import { archivedAnswerText } from '../../core/archive/archivedAnswerText';
import { archivePicks } from '../archive/archivePicks';
import type { ExtensionServices } from '../services';

/** How many archived answers the pick lists. */
const LISTED = 200;

/** Show Archived Answers: pick an expired answer and read it in a read-only document, marked as archived. */
export async function showArchive(services: ExtensionServices): Promise<void> {
  const engine = await services.host.engine();
  const archive = engine.archive;
  if (!archive) {
    void vscode.window.showInformationMessage(
      'Claude Cache: there is no archive (SurrealDB is off or could not open, or claudeCache.archive.maxEntries is 0).',
    );
    return;
  }
  const entries = await archive.list(LISTED);
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('Claude Cache: the archive is empty; answers move here when they expire.');
    return;
  }
  const chosen = await vscode.window.showQuickPick(archivePicks(entries, Date.now()), {
    title: 'Claude Cache: Archived Answers (expired, never served as hits)',
    placeHolder: 'Pick an archived answer to read',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!chosen) return;
  const archived = await archive.open(chosen.key);
  if (!archived) {
    void vscode.window.showInformationMessage('Claude Cache: that answer is no longer archived.');
    return;
  }
  await services.readOnlyDocs.show(`archived ${archived.info.workflow}.md`, archivedAnswerText(archived));
}
