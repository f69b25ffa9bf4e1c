import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { codeBlocks, describeCodeBlock, type CodeBlock } from '../workflows/answerCodeBlocks';

/** Copy: a code block of an answer to the clipboard (the CodeLens names it; otherwise pick from the answer in view). */
export async function copyCodeBlock(services: ExtensionServices, uri?: unknown, index?: unknown): Promise<void> {
  const block = await chooseBlock(services, uri, index, 'Copy which code block?');
  if (!block) return;
  await vscode.env.clipboard.writeText(block.code);
  vscode.window.setStatusBarMessage('$(copy) Code block copied', 3_000);
}

/** Insert at Cursor: a code block of an answer into the file being edited, replacing its selection. */
export async function insertCodeBlock(services: ExtensionServices, uri?: unknown, index?: unknown): Promise<void> {
  const editor = fileEditor();
  if (!editor) {
    void vscode.window.showInformationMessage('Claude Cache: open a file and place the cursor where the code should go.');
    return;
  }
  const block = await chooseBlock(services, uri, index, 'Insert which code block?');
  if (!block) return;
  await editor.edit((edit) => edit.replace(editor.selection, block.code));
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn });
}

/** The editor of a file on disk the user works in: the active one, else the first visible one. */
function fileEditor(): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active?.document.uri.scheme === 'file') return active;
  return vscode.window.visibleTextEditors.find((editor) => editor.document.uri.scheme === 'file');
}

async function chooseBlock(services: ExtensionServices, uri: unknown, index: unknown, title: string): Promise<CodeBlock | undefined> {
  const target = services.answers.resolve(uri);
  const view = target ? services.answers.view(target) : undefined;
  const blocks = view ? codeBlocks(view.text) : [];
  if (blocks.length === 0) {
    void vscode.window.showInformationMessage('Claude Cache: the answer in view has no code block.');
    return undefined;
  }
  if (typeof index === 'number') return blocks[index];
  if (blocks.length === 1) return blocks[0];
  const chosen = await vscode.window.showQuickPick(
    blocks.map((block, position) => ({ label: describeCodeBlock(block, position), block })),
    { title: `Claude Cache: ${title}` },
  );
  return chosen?.block;
}
