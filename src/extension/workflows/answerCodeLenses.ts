import * as vscode from 'vscode';
import { CommandId } from '../commands/commandId';
import { Disposable } from '../lifecycle';
import { ANSWER_SCHEME } from './answerDocumentScheme';
import { codeBlocks } from './answerCodeBlocks';
import type { AnswerDocuments } from './answerDocuments';

/**
 * Actions inside an answer's Markdown source: Run Fresh and Earlier Answers on its first line, Copy and Insert at
 * Cursor above every code block. CodeLenses are re-asked for when `onDidChangeCodeLenses` fires
 * (https://code.visualstudio.com/api/references/vscode-api#CodeLensProvider, seen 2026-12-06): it fires with
 * every repaint of a streaming answer, so a block gets its buttons once it closes.
 */
export class AnswerCodeLenses<R> extends Disposable implements vscode.CodeLensProvider {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  constructor(private readonly answers: AnswerDocuments<R>) {
    super();
    this._register(vscode.languages.registerCodeLensProvider({ scheme: ANSWER_SCHEME }, this));
    this._register(answers.onDidChange(() => this.changeEmitter.fire()));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const view = this.answers.view(document.uri);
    if (!view) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [
      new vscode.CodeLens(top, { title: '$(debug-restart) Run Fresh', command: CommandId.RunFresh, arguments: [document.uri] }),
    ];
    if (view.history.length > 0) {
      lenses.push(
        new vscode.CodeLens(top, {
          title: `$(history) Earlier Answers (${view.history.length})`,
          command: CommandId.ShowAnswerHistory,
          arguments: [document.uri],
        }),
      );
    }
    codeBlocks(document.getText()).forEach((block, index) => {
      const range = new vscode.Range(block.line, 0, block.line, 0);
      lenses.push(
        new vscode.CodeLens(range, { title: '$(copy) Copy', command: CommandId.CopyCodeBlock, arguments: [document.uri, index] }),
        new vscode.CodeLens(range, {
          title: '$(insert) Insert at Cursor',
          command: CommandId.InsertCodeBlock,
          arguments: [document.uri, index],
        }),
      );
    });
    return lenses;
  }
}
