import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { Throttle } from '../throttle';
import { ANSWER_SCHEME } from './answerDocumentScheme';


/** Answers kept for reopening; older ones are dropped. */
const MAX_ANSWERS = 30;
/** How often an answer being streamed repaints. */
const REPAINT_MS = 80;

interface Answer<R> {
  text: string;
  /** What produced it, so "Run Fresh" can run it again. */
  readonly request: R;
}

/**
 * Read-only virtual documents that show answers as they stream in. Each run gets its own URI; text is
 * appended and the editor is told to re-read at most every REPAINT_MS.
 */
export class AnswerDocuments<R> extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly answers = new Map<string, Answer<R>>();
  private readonly changed = new Set<string>();
  private readonly changeEmitter = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly repaint = new Throttle(REPAINT_MS, () => this.fireChanges());
  private counter = 0;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(ANSWER_SCHEME, this));
    this._register(this.repaint);
  }

  /** A new answer document showing `header`; the name ends in .md so VS Code renders it as markdown. */
  create(name: string, header: string, request: R): vscode.Uri {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme: ANSWER_SCHEME, path: `/${this.counter}/${name.replace(/[:/\\]/g, '-')}.md` });
    this.answers.set(uri.toString(), { text: header, request });
    while (this.answers.size > MAX_ANSWERS) {
      const oldest = this.answers.keys().next().value as string;
      this.answers.delete(oldest);
    }
    return uri;
  }

  append(uri: vscode.Uri, chunk: string): void {
    const answer = this.answers.get(uri.toString());
    if (!answer) return;
    answer.text += chunk;
    this.changed.add(uri.toString());
    this.repaint.schedule();
  }

  /** Appends the last text and repaints at once. */
  finish(uri: vscode.Uri, footer: string): void {
    this.append(uri, footer);
    this.repaint.flush();
  }

  requestOf(uri: vscode.Uri): R | undefined {
    return this.answers.get(uri.toString())?.request;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.answers.get(uri.toString())?.text ?? '_This answer is no longer kept; run the workflow again._\n';
  }

  private fireChanges(): void {
    for (const key of this.changed) this.changeEmitter.fire(vscode.Uri.parse(key));
    this.changed.clear();
  }
}
