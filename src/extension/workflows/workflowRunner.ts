import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { CONFIG_KEYS } from '../../core/config';
import type { RunResult } from '../../core/pipeline';
import { CommandId } from '../commands/commandId';
import { ContextKey } from '../contextKeys';
import type { EntryLabels } from '../views/entryLabels';
import type { EngineHost } from '../engine/engineHost';
import { formatDollars } from '../format';
import { answerFooter, answerHeader, failureFooter, type RunDescription } from './answerText';
import type { AnswerDocuments } from './answerDocuments';
import { apiEndpoint } from '../../core/format/networkTrouble';
import { answerViewKey, answerViewName } from './answerViews';
import { askToRunOverBudget } from './overBudgetPrompt';
import { describeRunFailure, type FailureAction } from './runFailure';
import { RunProgressText } from './runProgressText';

/** The largest cap "Run with More Tokens" asks for: the setting's own maximum. */
const MAX_TOKENS_CEILING = CONFIG_KEYS.maxTokens.maximum;

/** Everything one run needs, gathered from the picker, the input boxes and the active editor. */
export interface PreparedRun extends Omit<RunDescription, 'fresh'> {
  /** Absolute path of the workspace folder. */
  readonly workspace: string;
  /** Absolute path of the file the workflow reads, when one is open. */
  readonly filePath?: string;
  readonly selection?: string;
}

/**
 * Runs a prepared workflow: opens its answer document beside the editor, streams the answer into it under a
 * cancellable progress notification, and reports the outcome (a cached answer offers "Run Fresh"; a failure
 * offers the action that fixes it).
 */
export class WorkflowRunner {
  /** Status-bar notes of earlier runs ("served from the cache", "answered for $…"), cleared when a run starts. */
  private readonly notes: vscode.Disposable[] = [];

  constructor(
    private readonly host: EngineHost,
    private readonly answers: AnswerDocuments<PreparedRun>,
    private readonly logger: Logger,
    /** Names the cache entries a run produced, for the tree. */
    private readonly labels?: EntryLabels,
  ) {}

  async run(prepared: PreparedRun, fresh = false, maxTokens?: number): Promise<RunResult | undefined> {
    // A note about the previous run must not stand next to this one's answer.
    for (const note of this.notes.splice(0)) note.dispose();
    const steps = new RunProgressText(fresh);
    const uri = this.answers.begin(
      answerViewKey(prepared),
      answerViewName(prepared),
      answerHeader({ ...prepared, fresh }),
      prepared,
      steps.text,
    );
    await showAnswer(uri);
    const controller = new AbortController();
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Claude Cache: ${prepared.workflow}`,
        cancellable: true,
      },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => controller.abort(new Error('cancelled by the user')));
        const tell = (text: string): void => {
          progress.report({ message: text });
          this.answers.status(uri, text);
        };
        tell(steps.text);
        let endpoint: ReturnType<typeof apiEndpoint> | undefined;
        try {
          const engine = await this.host.engine();
          endpoint = apiEndpoint(engine.config.apiBaseUrl, process.env);
          let streaming = false;
          const result = await engine.pipeline.run({
            workflow: prepared.workflow,
            workspace: prepared.workspace,
            params: {
              args: [...prepared.args],
              ...(prepared.rawArguments !== undefined ? { rawArguments: prepared.rawArguments } : {}),
              inputs: { ...prepared.inputs },
            },
            ...(prepared.filePath ? { filePath: prepared.filePath } : {}),
            ...(prepared.selection !== undefined ? { selection: prepared.selection } : {}),
            fresh,
            ...(maxTokens !== undefined ? { maxTokens } : {}),
            // A workflow's `!` commands run only in a trusted workspace.
            trustedWorkspace: vscode.workspace.isTrusted,
            signal: controller.signal,
            confirmOverBudget: askToRunOverBudget,
            onProgress: (event) => tell(steps.progress(event)),
            onText: (chunk) => {
              if (!streaming) {
                streaming = true;
                tell(steps.receiving());
              }
              this.answers.append(uri, chunk);
            },
          });
          this.answers.finish(uri, answerFooter(result));
          this.report(prepared, result);
          return result;
        } catch (error) {
          const failure = describeRunFailure(error, prepared.workflow, controller.signal.aborted, endpoint);
          this.answers.finish(uri, failureFooter(failure.message));
          if (failure.cancelled) {
            this.logger.info(failure.message);
            this.notes.push(vscode.window.setStatusBarMessage(`$(circle-slash) ${failure.message}`, 5_000));
          } else {
            this.logger.error(failure.message);
            void this.offer(failure.message, failure.actions, prepared, fresh);
          }
          return undefined;
        } finally {
          cancel.dispose();
        }
      },
    );
  }

  private report(prepared: PreparedRun, result: RunResult): void {
    this.labels?.record(
      { workflow: prepared.workflow, ...(prepared.file ? { file: prepared.file } : {}), args: prepared.rawArguments ?? prepared.args.join(' ') },
      result.steps,
    );
    if (result.modelWarning) void vscode.window.showWarningMessage(result.modelWarning);
    if (result.stopNote) {
      this.reportIncomplete(prepared, result, result.stopNote);
      return;
    }
    const layers = result.steps.map((step) => `${step.layer}${step.module ? `:${step.module}` : ''}=${step.source}`).join(' ');
    if (result.cached) {
      this.logger.info(`${prepared.workflow}: served from the cache, ${formatDollars(result.savedUsd)} saved (${layers})`);
      void vscode.commands.executeCommand('setContext', ContextKey.ServedFromCache, true);
      // Said in the answer's footer and the status bar, not in a toast that would outlive the next run (a toast
      // cannot be closed by the extension); Run Fresh is on the answer's title bar and CodeLens.
      this.notes.push(
        vscode.window.setStatusBarMessage(
          `$(database) ${prepared.workflow}: served from the cache (${formatDollars(result.savedUsd)} saved)`,
          15_000,
        ),
      );
      return;
    }
    const why = result.missReasons.length > 0 ? `; not cached because ${result.missReasons.join('; ')}` : '';
    this.logger.info(
      `${prepared.workflow}: answered by ${result.model} for ${formatDollars(result.costUsd)} (${layers})${why}`,
    );
    this.notes.push(
      vscode.window.setStatusBarMessage(`$(check) ${prepared.workflow}: answered for ${formatDollars(result.costUsd)}`, 15_000),
    );
    void this.offerSimilar().catch((error: unknown) => this.logger.debug(`similar-answer offer: ${String(error)}`));
  }

  /** A cut-off answer or a refusal: said plainly, with the step that helps (never cached, so a rerun pays again). */
  private reportIncomplete(prepared: PreparedRun, result: RunResult, note: string): void {
    this.logger.warn(`${prepared.workflow}: ${note} (stop reason ${result.stopReason ?? 'none'}, cost ${formatDollars(result.costUsd)})`);
    const more = result.stopReason === 'max_tokens' && result.maxTokens !== undefined ? Math.min(result.maxTokens * 2, MAX_TOKENS_CEILING) : undefined;
    const actions = more !== undefined && more > (result.maxTokens ?? 0) ? ['Run with More Tokens'] : result.stopReason === 'pause_turn' ? ['Run Again'] : [];
    void vscode.window.showWarningMessage(`${prepared.workflow}: ${note}`, ...actions).then((choice) => {
      if (choice === 'Run with More Tokens') void this.run(prepared, true, more);
      if (choice === 'Run Again') void this.run(prepared, true);
    });
  }

  /** After a miss: when cached answers to similar prompts exist, one quiet offer to read them (never served). */
  private async offerSimilar(): Promise<void> {
    const engine = this.host.engineIfReady;
    const last = engine?.lastAnswerPrompt;
    if (!engine?.similar || !last) return;
    const found = await engine.similarAnswers({ prompt: last.prompt, excludeKey: last.key, limit: 3 });
    if (found.length === 0) return;
    const choice = await vscode.window.showInformationMessage(
      found.length === 1 ? 'A cached answer to a similar prompt exists.' : `${found.length} cached answers to similar prompts exist.`,
      'Show Similar',
    );
    if (choice === 'Show Similar') await vscode.commands.executeCommand(CommandId.FindSimilar);
  }

  private async offer(
    message: string,
    actions: readonly FailureAction[],
    prepared: PreparedRun,
    fresh: boolean,
  ): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, ...actions);
    switch (choice) {
      case 'Set API Key':
        if (await vscode.commands.executeCommand<boolean>(CommandId.SetApiKey)) await this.run(prepared, fresh);
        break;
      case 'Retry':
        await this.run(prepared, fresh);
        break;
      case 'Show Log':
        await vscode.commands.executeCommand(CommandId.ShowLog);
        break;
      default:
        break;
    }
  }
}

/**
 * Shows an answer rendered, in VS Code's Markdown preview beside the editor (it re-renders as the document
 * changes, so the answer streams in place), and gives the focus back to the editor the run started from.
 * `markdown.showPreviewToSide` takes the resource to preview
 * (https://code.visualstudio.com/api/extension-guides/markdown-extension and the built-in
 * markdown-language-features package.json, seen 2026-12-06); without the built-in Markdown extension the answer
 * opens as text.
 */
async function showAnswer(uri: vscode.Uri): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const document = await vscode.workspace.openTextDocument(uri);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch {
    await vscode.window.showTextDocument(document, { preview: false, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
    return;
  }
  if (editor && editor.document.uri.scheme === 'file') {
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: editor.selection, preserveFocus: false });
  }
}
