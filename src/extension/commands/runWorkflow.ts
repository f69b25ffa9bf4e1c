import path from 'node:path';
import * as vscode from 'vscode';
import type { Workflow, WorkflowProblem } from '../../core/workflows';
import type { ExtensionServices } from '../services';
import type { PreparedRun } from '../workflows/workflowRunner';
import { workflowsTrusted } from '../workflows/trustPrompt';
import { fileUri } from '../workflows/workflowDiagnostics';
import { refusedFilePicks, splitArguments, takesArguments, workflowPickGroups } from '../workflows/workflowPicks';
import { argumentsAreOptional } from '../workflows/builtinCommands';

type PickItem = vscode.QuickPickItem & { workflow?: Workflow; problem?: WorkflowProblem };

export interface RunWorkflowOptions {
  /** A one-step command (Explain Selection, Review This File, ...): no arguments box when every argument is optional. */
  readonly oneStep?: boolean;
}

/**
 * Run Workflow...: pick a workflow (built-ins and the workspace's workflow files), answer its questions
 * (arguments, `${input:...}` values), and run it on the active editor's file and selection.
 */
export async function runWorkflow(services: ExtensionServices, workflowName?: unknown, options: RunWorkflowOptions = {}): Promise<void> {
  if (!workflowsTrusted('run')) return;
  const editor = editorToRunOn();
  const folder = await workspaceFolderFor(editor);
  if (!folder) {
    void vscode.window.showErrorMessage('Claude Cache: open a folder first; workflows run on a workspace.');
    return;
  }
  const workspace = folder.uri.fsPath;
  const { workflows, problems } = await services.catalog.workflows(workspace);
  const workflow =
    typeof workflowName === 'string'
      ? workflows.find((candidate) => candidate.name === workflowName.replace(/^\//, ''))
      : await pickWorkflow(workflows, problems, workspace);
  if (!workflow) {
    if (typeof workflowName === 'string') void vscode.window.showErrorMessage(`Claude Cache: no workflow named "${workflowName}".`);
    return;
  }

  let args: string[] = [];
  let rawArguments: string | undefined;
  const skipOptionalArguments = options.oneStep === true && argumentsAreOptional(workflow.argumentHint);
  if (takesArguments(workflow) && !skipOptionalArguments) {
    const typed = await vscode.window.showInputBox({
      title: `${workflow.name}: arguments`,
      prompt: workflow.argumentHint ? `Arguments: ${workflow.argumentHint} (optional)` : 'Arguments for $ARGUMENTS (optional)',
      placeHolder: workflow.argumentHint ?? '',
      ignoreFocusOut: true,
    });
    if (typed === undefined) return;
    // The line as typed is `$ARGUMENTS`; its shell-style split gives `$0`, `$1`, ... and named arguments.
    rawArguments = typed;
    args = splitArguments(typed);
  }
  const inputs: Record<string, string> = {};
  for (const input of workflow.inputs) {
    // The placeholder is the hint VS Code shows in the input field, never a value
    // (https://code.visualstudio.com/docs/agent-customization/prompt-files, "Variables", seen 2026-12-06).
    const value = await vscode.window.showInputBox({
      title: `${workflow.name}: ${input.name}`,
      prompt: input.placeholder ? `${input.name}: ${input.placeholder}` : `Value of \${input:${input.name}}`,
      placeHolder: input.placeholder ?? '',
      ignoreFocusOut: true,
    });
    if (value === undefined) return;
    inputs[input.name] = value;
  }

  const document = editor?.document;
  const fileOpen = document !== undefined && document.uri.scheme === 'file';
  if (workflow.reads.includes('file') && !fileOpen) {
    void vscode.window.showErrorMessage(`Claude Cache: ${workflow.name} reads the current file; open one first.`);
    return;
  }
  const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  if (workflow.reads.includes('selection') && selection === undefined) {
    void vscode.window.showErrorMessage(`Claude Cache: ${workflow.name} works on the selection; select some code first.`);
    return;
  }
  if (fileOpen && document.isDirty && workflow.reads.includes('file')) {
    // The snapshot reads the file from disk: the answer must be about what the user sees.
    await document.save();
  }

  const prepared: PreparedRun = {
    workflow: workflow.name,
    workspace,
    args,
    ...(rawArguments !== undefined ? { rawArguments } : {}),
    inputs,
    ...(workflow.toolsNote ? { toolsNote: workflow.toolsNote } : {}),
    ...(fileOpen ? { filePath: document.uri.fsPath, file: relativeTo(workspace, document.uri.fsPath) } : {}),
    ...(selection !== undefined && editor
      ? { selection, selectionLines: [editor.selection.start.line + 1, editor.selection.end.line + 1] as const }
      : {}),
  };
  await services.runner.run(prepared);
}

/**
 * The editor a run reads: the active one or, when the focus is on an answer's preview beside it (a webview, so
 * there is no active text editor), the one file editor still visible. An answer's Markdown preview takes the focus
 * when it finishes loading, which can be after the run gave it back to the editor; "Review This File" must still
 * mean the file on screen.
 */
function editorToRunOn(): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active) return active;
  const files = vscode.window.visibleTextEditors.filter((editor) => editor.document.uri.scheme === 'file');
  return files.length === 1 ? files[0] : undefined;
}

async function pickWorkflow(
  workflows: readonly Workflow[],
  problems: readonly WorkflowProblem[],
  workspace: string,
): Promise<Workflow | undefined> {
  const items: PickItem[] = [];
  for (const group of workflowPickGroups(workflows)) {
    items.push({ label: group.title, kind: vscode.QuickPickItemKind.Separator });
    for (const pick of group.picks) {
      items.push({ label: pick.label, description: pick.description, detail: pick.detail, workflow: pick.workflow });
    }
  }
  const refused = refusedFilePicks(problems);
  if (refused.length > 0) {
    items.push({ label: 'Not loaded (see the Problems panel)', kind: vscode.QuickPickItemKind.Separator });
    for (const pick of refused) {
      items.push({ label: `$(error) ${pick.label}`, description: pick.description, detail: pick.detail, problem: pick.problem });
    }
  }
  const chosen = await vscode.window.showQuickPick(items, {
    title: 'Claude Cache: Run Workflow',
    placeHolder: refused.length > 0 ? `Pick a workflow (${refused.length} file${refused.length === 1 ? '' : 's'} not loaded, listed last)` : 'Pick a workflow',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (chosen?.problem) {
    // A refused file opens at the line of its problem, where the diagnostic is.
    const line = Math.max(0, (chosen.problem.line ?? 1) - 1);
    await vscode.window.showTextDocument(fileUri(workspace, chosen.problem.file), { selection: new vscode.Range(line, 0, line, 0) });
    return undefined;
  }
  return chosen?.workflow;
}

async function workspaceFolderFor(editor: vscode.TextEditor | undefined): Promise<vscode.WorkspaceFolder | undefined> {
  const owner = editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri) : undefined;
  if (owner) return owner;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Run the workflow on which folder?' });
}

function relativeTo(workspace: string, file: string): string {
  const relative = path.relative(workspace, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}
