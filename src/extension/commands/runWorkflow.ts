import path from 'node:path';
import * as vscode from 'vscode';
import type { Workflow } from '../../core/workflows';
import type { ExtensionServices } from '../services';
import type { PreparedRun } from '../workflows/workflowRunner';
import { workflowsTrusted } from '../workflows/trustPrompt';
import { splitArguments, takesArguments, workflowPickGroups } from '../workflows/workflowPicks';

type PickItem = vscode.QuickPickItem & { workflow?: Workflow };

/**
 * Run Workflow...: pick a workflow (built-ins and the workspace's workflow files), answer its questions
 * (arguments, `${input:...}` values), and run it on the active editor's file and selection.
 */
export async function runWorkflow(services: ExtensionServices, workflowName?: unknown): Promise<void> {
  if (!workflowsTrusted('run')) return;
  const editor = vscode.window.activeTextEditor;
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
      : await pickWorkflow(workflows, problems.filter((problem) => problem.severity === 'error').length);
  if (!workflow) {
    if (typeof workflowName === 'string') void vscode.window.showErrorMessage(`Claude Cache: no workflow named "${workflowName}".`);
    return;
  }

  let args: string[] = [];
  if (takesArguments(workflow)) {
    const typed = await vscode.window.showInputBox({
      title: `${workflow.name}: arguments`,
      prompt: workflow.argumentHint ? `Arguments: ${workflow.argumentHint} (optional)` : 'Arguments for $ARGUMENTS (optional)',
      placeHolder: workflow.argumentHint ?? '',
      ignoreFocusOut: true,
    });
    if (typed === undefined) return;
    args = splitArguments(typed);
  }
  const inputs: Record<string, string> = {};
  for (const input of workflow.inputs) {
    const value = await vscode.window.showInputBox({
      title: `${workflow.name}: ${input.name}`,
      prompt: `Value of \${input:${input.name}}`,
      value: input.placeholder ?? '',
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
    inputs,
    ...(fileOpen ? { filePath: document.uri.fsPath, file: relativeTo(workspace, document.uri.fsPath) } : {}),
    ...(selection !== undefined && editor
      ? { selection, selectionLines: [editor.selection.start.line + 1, editor.selection.end.line + 1] as const }
      : {}),
  };
  await services.runner.run(prepared);
}

async function pickWorkflow(workflows: readonly Workflow[], brokenFiles: number): Promise<Workflow | undefined> {
  const items: PickItem[] = [];
  for (const group of workflowPickGroups(workflows)) {
    items.push({ label: group.title, kind: vscode.QuickPickItemKind.Separator });
    for (const pick of group.picks) {
      items.push({ label: pick.label, description: pick.description, detail: pick.detail, workflow: pick.workflow });
    }
  }
  const chosen = await vscode.window.showQuickPick(items, {
    title: 'Claude Cache: Run Workflow',
    placeHolder:
      brokenFiles > 0
        ? `Pick a workflow (${brokenFiles} workflow file problem${brokenFiles === 1 ? '' : 's'}: see "Claude Cache: Show Log")`
        : 'Pick a workflow',
    matchOnDescription: true,
    matchOnDetail: true,
  });
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
