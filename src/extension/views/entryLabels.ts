import * as path from 'node:path';
import type { PrewarmOutcome } from '../../core/engine';
import type { Layer } from '../../core/layers';

/** What produced a cache entry, as a person would name it. */
export interface EntryOrigin {
  readonly workflow: string;
  /** Workspace-relative file the run read, when it read one. */
  readonly file?: string;
  /** The arguments as typed, when there were any. */
  readonly args?: string;
  /** For module entries: the module (sub-prompt) it answers. */
  readonly module?: string;
}

/** Where the labels persist (a VS Code Memento in the extension, a Map in tests). */
export interface LabelStorage {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

const STORAGE_KEY = 'claudeCache.entryOrigins';
/** Labels kept; the oldest are dropped (entries expire long before this many runs). */
const MAX_LABELS = 500;

/**
 * Cache keys are hashes: this remembers, for the keys this window's runs produced, which workflow, file and
 * arguments they came from, so the tree can say "review-file · src/a.ts" instead of "review-file · 40ef26a9".
 * Kept in workspace state so the names survive a reload; entries written elsewhere (CLI, teammates) keep the
 * hash-based name.
 */
export class EntryLabels {
  private readonly origins: Map<string, EntryOrigin>;

  constructor(private readonly storage: LabelStorage) {
    const saved = storage.get(STORAGE_KEY);
    this.origins = new Map(Array.isArray(saved) ? (saved as Array<[string, EntryOrigin]>).filter(isPair) : []);
  }

  /** Records the keys a run touched, layer by layer. */
  record(run: { workflow: string; file?: string; args?: string }, steps: ReadonlyArray<{ layer: Layer; key: string; module?: string }>): void {
    for (const step of steps) {
      const origin: EntryOrigin = {
        workflow: run.workflow,
        ...(run.file ? { file: run.file } : {}),
        ...(run.args && run.args.trim() !== '' ? { args: run.args.trim() } : {}),
        ...(step.module ? { module: step.module } : {}),
      };
      this.origins.delete(step.key);
      this.origins.set(step.key, origin);
    }
    while (this.origins.size > MAX_LABELS) this.origins.delete(this.origins.keys().next().value as string);
    void this.storage.update(STORAGE_KEY, [...this.origins]);
  }

  /**
   * Records the keys of prewarm runs (Prewarm Cache, Prewarm from Usage): they run in the engine, not through
   * the runner that records labels, and their entries would otherwise be named by hash. A file given as an
   * absolute path inside `workspace` is named relative to it, as a run from the editor names it.
   */
  recordPrewarm(workspace: string, outcomes: readonly PrewarmOutcome[]): void {
    for (const outcome of outcomes) {
      if (!outcome.result) continue;
      const { item } = outcome;
      const file = item.file ? workspaceRelative(workspace, item.file) : undefined;
      const args = (item.args ?? []).join(' ');
      this.record({ workflow: item.workflow, ...(file ? { file } : {}), args }, outcome.result.steps);
    }
  }

  origin(key: string): EntryOrigin | undefined {
    return this.origins.get(key);
  }
}

function isPair(value: unknown): value is [string, EntryOrigin] {
  return Array.isArray(value) && typeof value[0] === 'string' && typeof (value[1] as { workflow?: unknown })?.workflow === 'string';
}

/** `file` relative to `workspace` with `/`, when it lies inside it; as given otherwise. */
function workspaceRelative(workspace: string, file: string): string {
  if (!path.isAbsolute(file)) return file.split(path.sep).join('/');
  const relative = path.relative(workspace, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}
