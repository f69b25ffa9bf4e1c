import type { RunResult } from '../../core/pipeline';
import { formatDollars } from '../format';

/** What a run was asked to do, as the answer document's header shows it. */
export interface RunDescription {
  readonly workflow: string;
  /** The file it read, workspace-relative; undefined when none. */
  readonly file?: string;
  /** 1-based line range of the selection, when one was sent. */
  readonly selectionLines?: readonly [number, number];
  readonly args: readonly string[];
  /** The arguments as typed in the box, kept for `$ARGUMENTS`; shown instead of the split words when given. */
  readonly rawArguments?: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly fresh: boolean;
  /** The workflow's note that it asks for tools or an agent but runs here as one answer without tools. */
  readonly toolsNote?: string;
}

/** The markdown header above a streamed answer. */
export function answerHeader(run: RunDescription): string {
  const facts: string[] = [];
  if (run.file) facts.push(`\`${run.file}\``);
  if (run.selectionLines) {
    const [from, to] = run.selectionLines;
    facts.push(from === to ? `selection line ${from}` : `selection lines ${from}–${to}`);
  }
  if (run.rawArguments !== undefined && run.rawArguments.trim() !== '') facts.push(`arguments: ${run.rawArguments.trim()}`);
  else if (run.args.length > 0) facts.push(`arguments: ${run.args.map((arg) => JSON.stringify(arg)).join(' ')}`);
  for (const [name, value] of Object.entries(run.inputs)) facts.push(`${name}: ${JSON.stringify(value)}`);
  if (run.fresh) facts.push('fresh run');
  const note = run.toolsNote ? `> ${run.toolsNote}\n\n` : '';
  return `# ${run.workflow}\n\n${facts.length > 0 ? `_${facts.join(' · ')}_\n\n` : ''}${note}`;
}

/** The line under a finished answer: where it came from and what it cost or saved. */
export function answerFooter(result: RunResult): string {
  if (result.cached) {
    return `\n\n---\n_Served from the cache (${result.layer ?? 'result'} layer): no call to Claude, ${formatDollars(result.savedUsd)} saved._\n`;
  }
  const parts = [`Answered by ${result.model}`, `cost ${formatDollars(result.costUsd)}`];
  if (result.savedUsd > 0) parts.push(`${formatDollars(result.savedUsd)} saved by cached parts`);
  const reasons = result.missReasons.length > 0 ? `\n_Not from the cache because ${result.missReasons.join('; ')}._` : '';
  // A cut-off answer or a refusal says so where the answer ends, not only in a notification that goes away.
  const stop = result.stopNote ? `\n\n> **${result.stopNote}**` : '';
  return `${stop}\n\n---\n_${parts.join(' · ')}._${reasons}\n`;
}

/** The line under an answer that failed or was cancelled part-way. */
export function failureFooter(message: string): string {
  return `\n\n---\n_${message}_\n`;
}
