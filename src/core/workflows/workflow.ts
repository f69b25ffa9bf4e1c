import type { ContextKind } from '../context/snapshot';

/** Where a workflow came from: shipped with the engine, or a file in the workspace. */
export type WorkflowSource = 'builtin' | 'claude-command' | 'github-prompt';

/** A `${input:name[:placeholder]}` variable a template declares. */
export interface WorkflowInput {
  name: string;
  /** Used as the value when the caller gives none. */
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
  /** Workspace-relative path with `/` separators, for workflows read from files. */
  filePath?: string;
  /** Enters cache keys; for files, a hash of the file's bytes. */
  version: string;
  model?: string;
  argumentHint?: string;
  /** System prompt; plain text, no variables. */
  system?: string;
  /** The prompt body, with variables (see template.ts for the syntax). */
  template: string;
  /** What the template and its modules read, in canonical order. */
  reads: ContextKind[];
  inputs: WorkflowInput[];
  modules: ModuleSpec[];
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
  /** The words after the workflow name: `$ARGUMENTS` and `$1`..`$9`. */
  args: string[];
  /** `--arg name=value` pairs: `${input:name}`. */
  inputs: Record<string, string>;
}
