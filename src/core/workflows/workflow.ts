import type { ContextKind } from '../context/snapshot';

/**
 * Where a workflow came from: shipped with the engine, a Claude Code command (`.claude/commands/**.md`) or skill
 * (`.claude/skills/<name>/SKILL.md`), or a VS Code prompt file (`.github/prompts/*.prompt.md`).
 */
export type WorkflowSource = 'builtin' | 'claude-skill' | 'claude-command' | 'github-prompt';

/** A `${input:name[:placeholder]}` variable a template declares. */
export interface WorkflowInput {
  name: string;
  /**
   * The hint VS Code shows in the input field (https://code.visualstudio.com/docs/agent-customization/prompt-files,
   * "Variables", seen 2026-12-06). Never a value: a run without the input is refused or asked for.
   */
  placeholder?: string;
}

/**
 * A named sub-prompt whose answer feeds a workflow's final prompt as `${module:name}`. Its template may use
 * only context variables, because its answer is cached by name + version + the hash of what it reads alone:
 * two workflows sharing a module pay for it once.
 */
export interface ModuleSpec {
  name: string;
  /** Enters the module layer's key; changes whenever the template does. */
  version: string;
  system?: string;
  template: string;
  reads: ContextKind[];
}

/** Something a user runs: a prompt template, what it reads, and what it asks for. */
export interface Workflow {
  /** Unique in a discovered list; a file's name is its path under its folder, `/` written as `:`. */
  name: string;
  description: string;
  source: WorkflowSource;
  /** `user`: read from the user's Claude folder (`~/.claude`, or CLAUDE_CONFIG_DIR); absent: the workspace or built in. */
  scope?: 'user';
  /**
   * For workflows read from files: workspace-relative with `/` separators, or for user-level files the path under
   * the user's Claude folder written as `~/.claude/...` (or the absolute folder when CLAUDE_CONFIG_DIR moves it).
   */
  filePath?: string;
  /** Enters cache keys; for files, a hash of the file's bytes. */
  version: string;
  model?: string;
  /** As written in the frontmatter; a YAML list (`argument-hint: [pr-number]`) is shown as `[pr-number]`. */
  argumentHint?: string;
  /** Names from the `arguments` frontmatter field, in order: `$name` is the argument at that position. */
  argumentNames?: string[];
  /** System prompt; plain text, no variables. */
  system?: string;
  /** The prompt body, with variables (see template.ts for the syntax). */
  template: string;
  /** What the template and its modules read, in canonical order. */
  reads: ContextKind[];
  inputs: WorkflowInput[];
  modules: ModuleSpec[];
  /**
   * Commands of the template's `` !`cmd` `` directives (and ```` ```! ```` blocks), as written (before arguments are
   * substituted into them), in order, without repeats. The context layer runs them; the engine never does here.
   */
  shellCommands: string[];
  /** Workspace-relative paths of `@path` references (Claude Code) and linked files (prompt files), without repeats. */
  fileReferences: string[];
  /** `allowed-tools` (Claude Code) or `tools` (prompt files) entries, verbatim, in order. */
  allowedTools: string[];
  /**
   * Set when the file asks for tools or an agent: a plain sentence saying it runs here as one answer without tools.
   * Shown by the picker, the answer header and `workflows --json`.
   */
  toolsNote?: string;
}

/** Something wrong with a workflow file. Errors skip the file; warnings leave it loaded. */
export interface WorkflowProblem {
  /** Workspace-relative path with `/` separators. */
  file: string;
  /** 1-based line in that file, when the problem has one. */
  line?: number;
  message: string;
  severity: 'error' | 'warning';
}

/** What the user typed after the workflow's name. */
export interface WorkflowParams {
  /** The arguments split shell-style: `$ARGUMENTS[N]`, `$N` and named arguments (0-based). */
  args: string[];
  /**
   * The arguments exactly as typed, for `$ARGUMENTS`. Absent: the args joined by single spaces (the CLI gets its
   * words already split by the shell, so that is the nearest it has to the typed line).
   */
  rawArguments?: string;
  /** `--arg name=value` pairs: `${input:name}`. */
  inputs: Record<string, string>;
}
