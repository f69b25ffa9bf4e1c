import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { Throttle } from '../throttle';
import { ANSWER_SCHEME } from './answerDocumentScheme';
import { AnswerViews, type AnswerViewState } from './answerViews';

/** How often an answer being streamed repaints. */
const REPAINT_MS = 80;

/**
 * Read-only virtual Markdown documents that show answers as they stream in: one per workflow and target, reused
 * on every run of it (the earlier answers stay reachable in its history). Text is appended and the editor (or the
 * Markdown preview showing the document) is told to re-read at most every REPAINT_MS.
 */
export class AnswerDocuments<R> extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly views = new AnswerViews<R>();
  private readonly changed = new Set<string>();
  private readonly changeEmitter = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly repaint = new Throttle(REPAINT_MS, () => this.fireChanges());
  /** The answer shown or run last: what commands invoked from the Markdown preview (which has no URI) act on. */
  private latestUri: vscode.Uri | undefined;

  constructor(private readonly now: () => number = Date.now) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(ANSWER_SCHEME, this));
    this._register(this.repaint);
  }

  /** Starts a run in the view for `key`, created on first use; its URI stays the same for every run. */
  begin(key: string, name: string, header: string, request: R, status: string): vscode.Uri {
    const id = this.views.begin(key, name, header, request, this.now(), status);
    const uri = vscode.Uri.from({ scheme: ANSWER_SCHEME, path: `/${id}/${name}` });
    this.latestUri = uri;
    this.repaintNow(uri);
    return uri;
  }

  append(uri: vscode.Uri, chunk: string): void {
    if (this.views.append(idOf(uri), chunk)) this.touch(uri);
  }

  /** The step the run is at, under the answer while it runs. */
  status(uri: vscode.Uri, status: string): void {
    if (this.views.status(idOf(uri), status)) this.touch(uri);
  }

  /** Replaces the status line with the footer and repaints at once. */
  finish(uri: vscode.Uri, footer: string): void {
    if (this.views.finish(idOf(uri), footer)) this.repaintNow(uri);
  }

  /** A repaint now: flush alone would do nothing when no repaint is pending (the last one already ran). */
  private repaintNow(uri: vscode.Uri): void {
    this.changed.add(uri.toString());
    this.repaint.schedule();
    this.repaint.flush();
  }

  requestOf(uri: vscode.Uri): R | undefined {
    return this.views.get(idOf(uri))?.request;
  }

  view(uri: vscode.Uri): AnswerViewState<R> | undefined {
    return this.views.get(idOf(uri));
  }

  /** The answer `uri` names when it is one, else the one shown or run last. */
  resolve(uri?: unknown): vscode.Uri | undefined {
    if (uri instanceof vscode.Uri && uri.scheme === ANSWER_SCHEME) return uri;
    return this.latestUri;
  }

  /** Remembers the answer the user looked at last (its editor became active). */
  shown(uri: vscode.Uri): void {
    if (uri.scheme === ANSWER_SCHEME && this.views.get(idOf(uri))) this.latestUri = uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.views.get(idOf(uri))?.text ?? '_This answer is no longer kept; run the workflow again._\n';
  }

  private touch(uri: vscode.Uri): void {
    this.changed.add(uri.toString());
    this.repaint.schedule();
  }

  private fireChanges(): void {
    for (const key of this.changed) this.changeEmitter.fire(vscode.Uri.parse(key));
    this.changed.clear();
  }
}

/** `/12/review-file · a.ts.md` -> 12; 0 (no view) for anything else. */
function idOf(uri: vscode.Uri): number {
  const match = /^\/(\d+)\//.exec(uri.path);
  return match ? Number(match[1]) : 0;
}
