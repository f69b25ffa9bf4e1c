/** Earlier answers a view keeps, newest first; older ones are dropped. */
export const MAX_HISTORY = 10;
/** Views kept at once; the least recently run one is dropped. */
export const MAX_VIEWS = 30;

/** A finished answer a view showed before its latest run. */
export interface EarlierAnswer {
  /** When its run started (ms since the epoch). */
  readonly startedAt: number;
  readonly text: string;
}

interface View<R> {
  readonly id: number;
  readonly name: string;
  header: string;
  body: string;
  /** The line under the answer: the run's current step while it runs, then where the answer came from. */
  footer: string;
  startedAt: number;
  running: boolean;
  request: R;
  readonly history: EarlierAnswer[];
}

/** What one answer view shows, for the document provider. */
export interface AnswerViewState<R> {
  readonly id: number;
  /** The view's file name, as its tab shows it. */
  readonly name: string;
  readonly text: string;
  readonly running: boolean;
  readonly request: R;
  readonly history: readonly EarlierAnswer[];
}

/**
 * One answer view per workflow and target (the file, or the selection in it), reused when the same thing runs
 * again: the old answer moves into the view's history instead of a new tab opening. Plain data, no vscode, so the
 * rules can be specified in tests; AnswerDocuments turns views into documents.
 */
export class AnswerViews<R> {
  private readonly views = new Map<string, View<R>>();
  private nextId = 1;

  /** Starts a run in the view for `key` (created on first use); returns the view's id. */
  begin(key: string, name: string, header: string, request: R, startedAt: number, status: string): number {
    let view = this.views.get(key);
    if (view) {
      // Reinsert so the map's order stays least-recently-run first.
      this.views.delete(key);
      if (view.body !== '' || view.footer !== '') {
        view.history.unshift({ startedAt: view.startedAt, text: render(view) });
        view.history.splice(MAX_HISTORY);
      }
      Object.assign(view, { header, body: '', footer: statusLine(status), startedAt, running: true, request });
    } else {
      view = { id: this.nextId++, name, header, body: '', footer: statusLine(status), startedAt, running: true, request, history: [] };
    }
    this.views.set(key, view);
    while (this.views.size > MAX_VIEWS) this.views.delete(this.views.keys().next().value as string);
    return view.id;
  }

  append(id: number, chunk: string): boolean {
    const view = this.byId(id);
    if (!view) return false;
    view.body += chunk;
    return true;
  }

  /** The step the run is at, shown under the answer while it runs. */
  status(id: number, status: string): boolean {
    const view = this.byId(id);
    if (!view || !view.running) return false;
    view.footer = statusLine(status);
    return true;
  }

  /** The run ended: its footer replaces the status line. */
  finish(id: number, footer: string): boolean {
    const view = this.byId(id);
    if (!view) return false;
    view.footer = footer;
    view.running = false;
    return true;
  }

  get(id: number): AnswerViewState<R> | undefined {
    const view = this.byId(id);
    if (!view) return undefined;
    return { id: view.id, name: view.name, text: render(view), running: view.running, request: view.request, history: view.history };
  }

  private byId(id: number): View<R> | undefined {
    for (const view of this.views.values()) if (view.id === id) return view;
    return undefined;
  }
}

/** The key of the view a run shows in: the workflow and what it ran on (file, selection lines). */
export function answerViewKey(run: {
  readonly workflow: string;
  readonly workspace: string;
  readonly file?: string;
  readonly selectionLines?: readonly [number, number];
}): string {
  const lines = run.selectionLines ? `#${run.selectionLines[0]}-${run.selectionLines[1]}` : '';
  return `${run.workflow}\u0000${run.workspace}\u0000${run.file ?? ''}${lines}`;
}

/** The view's file name: `review-file · greeting.ts.md`; the `.md` makes VS Code treat it as Markdown. */
export function answerViewName(run: { readonly workflow: string; readonly file?: string }): string {
  const base = run.file ? (run.file.split('/').pop() ?? run.file) : '';
  const name = base ? `${run.workflow} · ${base}` : run.workflow;
  return `${name.replace(/[:/\\]/g, '-')}.md`;
}

function render<R>(view: View<R>): string {
  return `${view.header}${view.body}${view.footer}`;
}

function statusLine(status: string): string {
  return `\n\n---\n_${status}_\n`;
}
