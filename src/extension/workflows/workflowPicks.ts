import { describeTemplate, scanTemplate, syntaxOf, type Workflow, type WorkflowProblem, type WorkflowSource } from '../../core/workflows';

/** One row of the Run Workflow picker, without the vscode types so it can be specified in plain tests. */
export interface WorkflowPick {
  readonly label: string;
  readonly description: string;
  readonly detail: string;
  readonly workflow: Workflow;
}

export interface WorkflowPickGroup {
  readonly title: string;
  readonly picks: readonly WorkflowPick[];
}

/** Picker groups, in order: the workspace's own files first, then the user's personal ones, then built-ins. */
const GROUPS: ReadonlyArray<{ title: string; source: WorkflowSource; user: boolean }> = [
  { title: '.claude/skills', source: 'claude-skill', user: false },
  { title: '.claude/commands', source: 'claude-command', user: false },
  { title: '.github/prompts', source: 'github-prompt', user: false },
  { title: '~/.claude/skills (personal)', source: 'claude-skill', user: true },
  { title: '~/.claude/commands (personal)', source: 'claude-command', user: true },
  { title: 'Built-in', source: 'builtin', user: false },
];

/** The picker's rows grouped by where each workflow comes from. */
export function workflowPickGroups(workflows: readonly Workflow[]): WorkflowPickGroup[] {
  return GROUPS.map(({ title, source, user }) => ({
    title,
    picks: workflows
      .filter((workflow) => workflow.source === source && (workflow.scope === 'user') === user)
      .map((workflow) => ({
        label: workflow.name,
        description: pickDescription(workflow),
        detail: workflow.filePath ?? 'built in',
        workflow,
      })),
  })).filter((group) => group.picks.length > 0);
}

/** A workflow file that did not load, shown in the picker with its reason instead of vanishing from it. */
export interface RefusedFilePick {
  readonly label: string;
  readonly description: string;
  readonly detail: string;
  readonly problem: WorkflowProblem;
}

/** One row per refused file (its first error), so a user sees why a command they wrote is not there. */
export function refusedFilePicks(problems: readonly WorkflowProblem[]): RefusedFilePick[] {
  const seen = new Set<string>();
  const picks: RefusedFilePick[] = [];
  for (const problem of problems) {
    if (problem.severity !== 'error' || seen.has(problem.file)) continue;
    seen.add(problem.file);
    picks.push({
      label: problem.file,
      description: problem.message,
      detail: `not loaded${problem.line ? ` (line ${problem.line})` : ''}: pick to open the file`,
      problem,
    });
  }
  return picks;
}

/** The description, then the tools note when there is one, so nobody picks an agent workflow expecting an agent. */
function pickDescription(workflow: Workflow): string {
  return workflow.toolsNote ? `${workflow.description} · ⚠ ${workflow.toolsNote}` : workflow.description;
}

/** Whether to ask for arguments: the template uses `$ARGUMENTS`, `$N` or a named argument, or the workflow describes some. */
export function takesArguments(workflow: Workflow): boolean {
  if (workflow.argumentHint !== undefined && workflow.argumentHint.trim() !== '') return true;
  return describeTemplate(scanTemplate(workflow.template, syntaxOf(workflow))).usesArguments;
}

/**
 * Splits typed arguments into words as a shell would, minus the shell: whitespace separates, and "double" or
 * 'single' quotes keep spaces inside one word and are removed. This is Claude Code's split for `$N` and
 * `$ARGUMENTS[N]` (https://code.claude.com/docs/en/skills, "Pass arguments to skills", seen 2026-12-06); the
 * typed line itself is kept for `$ARGUMENTS`.
 */
export function splitArguments(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}
