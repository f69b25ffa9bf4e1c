import { CommandId } from '../commands/commandId';

/** A built-in workflow reachable in one step: its command, its default key and where it shows. */
export interface BuiltinWorkflowCommand {
  readonly command: CommandId;
  /** The built-in workflow it runs (src/core/workflows/builtins.ts). */
  readonly workflow: string;
  readonly title: string;
  readonly icon: string;
  /** Default key on Windows and Linux, and on macOS. */
  readonly key: string;
  readonly mac: string;
  /** Shown (and bound) only with a selection: explaining nothing is not a request. */
  readonly needsSelection: boolean;
}

/**
 * Default keys are Ctrl+Shift+Alt (Cmd+Shift+Alt on macOS) with a letter. Checked against VS Code's defaults
 * (https://code.visualstudio.com/docs/configure/keybindings, seen 2026-12-06) the way they ship: none of the 1,324
 * keybinding rules in VS Code 1.100's workbench bundle (code-server 4.100.3) nor any built-in extension's
 * package.json binds Ctrl+Shift+Alt+E, V, T or M. Ctrl+Alt+letter is avoided because on many European layouts it
 * is AltGr and types a character (Ctrl+Alt+E is €), and R because GNOME records the screen on Ctrl+Shift+Alt+R.
 * The e2e suite presses Ctrl+Shift+Alt+E in real VS Code and checks the workflow ran.
 */
export const BUILTIN_WORKFLOW_COMMANDS: readonly BuiltinWorkflowCommand[] = [
  {
    command: CommandId.ExplainSelection,
    workflow: 'explain-selection',
    title: 'Explain Selection',
    icon: '$(comment-discussion)',
    key: 'ctrl+shift+alt+e',
    mac: 'cmd+shift+alt+e',
    needsSelection: true,
  },
  {
    command: CommandId.ReviewFile,
    workflow: 'review-file',
    title: 'Review This File',
    icon: '$(checklist)',
    key: 'ctrl+shift+alt+v',
    mac: 'cmd+shift+alt+v',
    needsSelection: false,
  },
  {
    command: CommandId.WriteTests,
    workflow: 'write-tests',
    title: 'Write Tests',
    icon: '$(beaker)',
    key: 'ctrl+shift+alt+t',
    mac: 'cmd+shift+alt+t',
    needsSelection: false,
  },
  {
    command: CommandId.SummarizeChanges,
    workflow: 'summarize-changes',
    title: 'Summarize Changes',
    icon: '$(git-compare)',
    key: 'ctrl+shift+alt+m',
    mac: 'cmd+shift+alt+m',
    needsSelection: false,
  },
];

/**
 * Whether every argument a hint names is optional: written in square brackets, the usual command-line usage
 * convention our built-ins follow (`[what to focus on]`). A one-step command skips the arguments box when nothing
 * is required; Run Workflow... still offers it.
 */
export function argumentsAreOptional(hint: string | undefined): boolean {
  if (hint === undefined || hint.trim() === '') return true;
  const rest = hint.replace(/\[[^\]]*\]/g, '').trim();
  return rest === '';
}
