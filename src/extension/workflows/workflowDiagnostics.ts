import * as vscode from 'vscode';
import type { WorkflowProblem } from '../../core/workflows';

/**
 * Workflow-file problems in the Problems panel, on the file and line they are about, as a language extension
 * reports its own files' problems (https://code.visualstudio.com/api/language-extensions/programmatic-language-features#provide-diagnostics,
 * seen 2026-12-06). One collection for the extension; each discovery of a folder replaces that folder's entries.
 */
export class WorkflowDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('claude-cache-workflows');
  /** The files each folder reported on last time, so a fixed file's entry is cleared. */
  private readonly reported = new Map<string, vscode.Uri[]>();

  update(workspace: string, problems: readonly WorkflowProblem[]): void {
    for (const uri of this.reported.get(workspace) ?? []) this.collection.delete(uri);
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of problems) {
      const line = Math.max(0, (problem.line ?? 1) - 1);
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER),
        problem.message,
        problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'Claude Cache';
      const list = byFile.get(problem.file) ?? [];
      list.push(diagnostic);
      byFile.set(problem.file, list);
    }
    const uris: vscode.Uri[] = [];
    for (const [file, diagnostics] of byFile) {
      const uri = fileUri(workspace, file);
      this.collection.set(uri, diagnostics);
      uris.push(uri);
    }
    this.reported.set(workspace, uris);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** Problems name files workspace-relative with `/`; personal (`~/.claude`) files come as absolute paths. */
export function fileUri(workspace: string, file: string): vscode.Uri {
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? vscode.Uri.file(file) : vscode.Uri.joinPath(vscode.Uri.file(workspace), file);
}
