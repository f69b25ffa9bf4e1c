import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

/** URI scheme of the read-only documents the extension shows (archived answers, suggestions, entry details). */
export const READ_ONLY_SCHEME = 'claude-cache-view';

/** Documents kept for reopening; older ones are dropped. */
const MAX_DOCUMENTS = 30;

/**
 * Read-only virtual documents holding text computed once (an archived answer, a similar-answer suggestion, an
 * entry's details). Virtual, so they can never be saved over a file or edited into something they were not.
 */
export class ReadOnlyDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private counter = 0;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(READ_ONLY_SCHEME, this));
  }

  /** Opens `text` as a read-only document named `name` (its extension picks the language, e.g. `.md`). */
  async show(name: string, text: string): Promise<void> {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path: `/${this.counter}/${name.replace(/[:/\\]/g, '-')}` });
    this.texts.set(uri.toString(), text);
    while (this.texts.size > MAX_DOCUMENTS) this.texts.delete(this.texts.keys().next().value as string);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This document is no longer kept; open it again.\n';
  }
}
