import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { invalidateFileContexts } from '../../core/fileInvalidation';
import type { Logger } from '../../core/logger';
import type { EngineHost } from '../engine/engineHost';
import { Disposable, toDisposable } from '../lifecycle';
import { Throttle } from '../throttle';
import type { WorkflowCatalog } from './workflowCatalog';

/** Workflow files, as discoverWorkflows finds them. */
const WORKFLOW_GLOBS = ['**/.claude/commands/**/*.md', '**/.claude/skills/*/SKILL.md', '**/.github/prompts/*.prompt.md'];
/** Saves and deletes are gathered this long, so a "save all" is one pass. */
const BATCH_MS = 300;
/** Changes under these folders are never something a workflow read. */
const IGNORED = /[\\/](\.git|node_modules)[\\/]/;

/**
 * Keeps the cache in step with the workspace: a changed workflow file drops the folder's memoized workflow
 * list; a file saved, deleted or renamed in the editor drops the context snapshots that read it.
 */
export class WorkspaceWatchers extends Disposable {
  private readonly changed = new Map<string, vscode.Uri>();
  private readonly batch: Throttle;

  constructor(
    private readonly host: EngineHost,
    private readonly catalog: WorkflowCatalog,
    private readonly logger: Logger,
  ) {
    super();
    this.batch = this._register(new Throttle(BATCH_MS, () => void this.invalidateChanged()));
    for (const glob of WORKFLOW_GLOBS) {
      const watcher = this._register(vscode.workspace.createFileSystemWatcher(glob));
      const forget = (uri: vscode.Uri) => this.forgetWorkflows(uri);
      this._register(watcher.onDidCreate(forget));
      this._register(watcher.onDidChange(forget));
      this._register(watcher.onDidDelete(forget));
    }
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => catalog.forget()));

    // Saves and deletes made in the editor only: a build writing thousands of files must not cost thousands of
    // invalidations, and a snapshot whose file changed behind the editor's back is still caught on use.
    const note = (uri: vscode.Uri) => this.noteChange(uri);
    this._register(vscode.workspace.onDidSaveTextDocument((document) => note(document.uri)));
    this._register(vscode.workspace.onDidDeleteFiles((event) => event.files.forEach(note)));
    this._register(vscode.workspace.onDidRenameFiles((event) => event.files.forEach(({ oldUri }) => note(oldUri))));
    this._register(toDisposable(() => this.changed.clear()));
  }

  private forgetWorkflows(uri: vscode.Uri): void {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    this.catalog.forget(folder?.uri.fsPath);
    this.logger.debug(`workflow file ${vscode.workspace.asRelativePath(uri)} changed: workflow list will be rebuilt`);
  }

  private noteChange(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || IGNORED.test(uri.fsPath)) return;
    this.changed.set(uri.toString(), uri);
    this.batch.schedule();
  }

  private async invalidateChanged(): Promise<void> {
    const engine = this.host.engineIfReady;
    const uris = [...this.changed.values()];
    this.changed.clear();
    if (!engine) return;
    for (const uri of uris) {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder) continue;
      try {
        const { workflows } = await this.catalog.workflows(folder.uri.fsPath);
        const removed = await invalidateFileContexts(engine.cache, folder.uri.fsPath, uri.fsPath, workflows);
        if (removed > 0) {
          this.logger.info(`${vscode.workspace.asRelativePath(uri)} changed: ${removed} context snapshot(s) dropped`);
        }
      } catch (error) {
        this.logger.warn(`invalidating what read ${uri.fsPath} failed: ${describeError(error)}`);
      }
    }
  }
}
