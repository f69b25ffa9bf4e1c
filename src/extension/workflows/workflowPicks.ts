import { describeTemplate, scanTemplate, templateSyntax, type Workflow, type WorkflowSource } from '../../core/workflows';

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

const GROUP_TITLES: Readonly<Record<WorkflowSource, string>> = {
  'claude-command': '.claude/commands',
  'github-prompt': '.github/prompts',
  builtin: 'Built-in',
};
const GROUP_ORDER: readonly WorkflowSource[] = ['claude-command', 'github-prompt', 'builtin'];

/** The picker's rows grouped by where each workflow comes from: the workspace's own files first. */
export function workflowPickGroups(workflows: readonly Workflow[]): WorkflowPickGroup[] {
  return GROUP_ORDER.map((source) => ({
    title: GROUP_TITLES[source],
    picks: workflows
      .filter((workflow) => workflow.source === source)
      .map((workflow) => ({
        label: workflow.name,
        description: workflow.description,
        detail: workflow.filePath ?? 'built in',
        workflow,
      })),
  })).filter((group) => group.picks.length > 0);
}

/** Whether to ask for arguments: the template uses $ARGUMENTS / $1..$9, or the workflow describes some. */
export function takesArguments(workflow: Workflow): boolean {
  if (workflow.argumentHint !== undefined && workflow.argumentHint.trim() !== '') return true;
  return describeTemplate(scanTemplate(workflow.template, templateSyntax(workflow.source))).usesArguments;
}

/**
 * Splits typed arguments into words as a shell would, minus the shell: whitespace separates, and "double" or
 * 'single' quotes keep spaces inside one word.
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
