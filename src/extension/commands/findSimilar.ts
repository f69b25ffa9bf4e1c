import * as vscode from 'vscode';
import { similarAnswerText } from '../../core/similar/similarAnswerText';
import type { ExtensionServices } from '../services';
import { similarPicks } from '../similar/similarPicks';

const SHOWN = 10;

/**
 * Find Similar Cached Answers: cached answers to prompts like the words typed (or, with nothing typed, like the
 * last run's prompt), each opened as a read-only document labelled as a suggestion. Never a cache hit.
 */
export async function findSimilar(services: ExtensionServices): Promise<void> {
  const engine = await services.host.engine();
  if (!engine.similar) {
    void vscode.window.showInformationMessage(
      'Claude Cache: similar-answer search needs SurrealDB, and is off while values are encrypted at rest.',
    );
    return;
  }
  const last = engine.lastAnswerPrompt;
  const typed = await vscode.window.showInputBox({
    title: 'Claude Cache: Find Similar Cached Answers',
    prompt: last
      ? `Words to look for in cached prompts; leave empty for prompts like the last run's (${last.workflow})`
      : 'Words to look for in cached prompts',
    ignoreFocusOut: true,
  });
  if (typed === undefined) return;
  const text = typed.trim();
  if (text === '' && !last) return;
  const found = await engine.similarAnswers(
    text === '' && last ? { prompt: last.prompt, excludeKey: last.key, limit: SHOWN } : { prompt: text, limit: SHOWN },
  );
  if (found.length === 0) {
    void vscode.window.showInformationMessage('Claude Cache: no cached answers to similar prompts.');
    return;
  }
  const chosen = await vscode.window.showQuickPick(similarPicks(found, Date.now()), {
    title: 'Claude Cache: Similar Cached Answers (suggestions, not hits)',
    placeHolder: 'Pick one to read',
    matchOnDetail: true,
  });
  const similar = found.find((candidate) => candidate.key === chosen?.key);
  if (!similar) return;
  await services.readOnlyDocs.show(`suggestion ${similar.workflow}.md`, similarAnswerText(similar));
}
