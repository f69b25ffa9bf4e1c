import path from 'node:path';
import { EmptyPromptError, MissingContextError, MissingInputsError, UnknownInputsError, WorkflowDefinitionError } from './errors';
import type { ContextVariable, TemplateSyntax, TemplateVariable } from './template';
import { describeTemplate, scanTemplate } from './template';
import type { ModuleSpec, Workflow, WorkflowInput, WorkflowParams, WorkflowSource } from './workflow';

/** What rendering fills context variables from; only what the template uses has to be present. */
export interface RenderContext {
  /** Absolute workspace folder, for `${workspaceFolder}`. */
  workspace?: string;
  selection?: string;
  /** `path` as the prompt should show it: workspace-relative, `/` separators. */
  file?: { path: string; content: string };
  gitDiff?: string;
  /** Module answers by module name, for `${module:name}`. */
  modules?: Record<string, string>;
  /**
   * Output of each `` !`cmd` `` by its command as bound: arguments substituted, trimmed (the `command` of the bound
   * prompt's shell segments, shellCommandsOf). Filled by the context layer; a command missing here renders as a
   * marker.
   */
  shellOutputs?: Record<string, string>;
  /**
   * Content of each referenced file by workspace-relative path (Workflow.fileReferences, the `path` of fileRef
   * segments). A path with no entry (or `null`) names no file: the reference stays as written, which is what Claude
   * Code does with an `@` that is not a file (`@storybook/sveltekit`).
   */
  fileReferences?: Record<string, string | null>;
  /**
   * When true, documents (selection, file, git diff, module answers) are not inlined: each variable becomes a
   * short reference to the same document sent ahead of the prompt as a cacheable block (provider prompt caching).
   */
  documentsAbove?: boolean;
}

export type BoundSegment =
  | { text: string }
  | { context: ContextVariable }
  | { module: string }
  /** A `` !`cmd` `` directive, its command with arguments substituted (trimmed); renders as the command's output. */
  | { kind: 'shell'; command: string }
  /**
   * A referenced file; renders as a file block. `appended`: a prompt file's linked file, attached after the prompt
   * (its link stays in the text); absent: a Claude Code `@path`, replaced by the file in place.
   */
  | { kind: 'fileRef'; path: string; placement?: 'appended' };

/**
 * A workflow with its params substituted and its context still open: the prompt layer's value, since its key
 * (command + params) does not cover the context. Plain data. Substituted values are text segments, so a
 * value containing `${file}` or `$1` can never be expanded by the later context pass.
 */
export interface BoundPrompt {
  workflow: string;
  version: string;
  segments: BoundSegment[];
  /** For the refusal of an empty prompt: what the workflow expects. */
  argumentHint?: string;
  /** Argument placeholders that came out empty, as written (`$ARGUMENTS`, `$0`, `$issue`), for that refusal. */
  emptyArguments?: string[];
}

/** The syntax of a format, without what depends on one file (argument names, where its links point from). */
export function templateSyntax(source: WorkflowSource): TemplateSyntax {
  const claude = source === 'claude-command' || source === 'claude-skill';
  return { dollarArguments: source !== 'github-prompt', shellCommands: claude, fileMentions: claude };
}

/** The full syntax of one workflow's template. */
export function syntaxOf(workflow: Pick<Workflow, 'source' | 'argumentNames' | 'filePath' | 'scope'>): TemplateSyntax {
  const syntax = templateSyntax(workflow.source);
  if (workflow.argumentNames !== undefined && syntax.dollarArguments) syntax.argumentNames = workflow.argumentNames;
  // Links are relative to the prompt file (VS Code prompt-files page, "Prompt file body", seen 2026-12-06).
  if (workflow.source === 'github-prompt' && workflow.filePath !== undefined && workflow.scope === undefined) {
    syntax.linkBase = path.posix.dirname(workflow.filePath);
  }
  return syntax;
}

/** The commands of a bound prompt's `` !`cmd` `` directives, in order, without repeats. */
export function shellCommandsOf(bound: BoundPrompt): string[] {
  const commands = new Set<string>();
  for (const segment of bound.segments) if ('kind' in segment && segment.kind === 'shell') commands.add(segment.command);
  return [...commands];
}

/** The files a bound prompt references, in order, without repeats. */
export function fileReferencesOf(bound: BoundPrompt): string[] {
  const paths = new Set<string>();
  for (const segment of bound.segments) if ('kind' in segment && segment.kind === 'fileRef') paths.add(segment.path);
  return [...paths];
}

/**
 * The stable form of params, for keys: args trimmed with trailing empty ones dropped (a missing `$N` renders
 * as empty anyway), the raw string trimmed and kept only when it says more than the args joined by spaces
 * (quotes, extra spaces), inputs in sorted key order. Values are kept as typed.
 */
export function normalizeParams(params: WorkflowParams): WorkflowParams {
  const args = params.args.map((arg) => arg.trim());
  while (args.length > 0 && args[args.length - 1] === '') args.pop();
  const inputs: Record<string, string> = {};
  for (const name of Object.keys(params.inputs).sort()) inputs[name] = params.inputs[name] as string;
  const raw = params.rawArguments?.trim();
  return raw !== undefined && raw !== args.join(' ') ? { args, rawArguments: raw, inputs } : { args, inputs };
}

/**
 * Refuses inputs the workflow does not declare and declared ones with no value, before anything is read or sent.
 * The CLI calls it as soon as it knows the workflow, so a missing `--arg` exits 2 before any cache lookup.
 */
export function assertInputsGiven(workflow: Workflow, inputs: Readonly<Record<string, string>>): void {
  checkInputs(workflow.name, workflow.inputs, inputs);
}

function checkInputs(owner: string, declaredInputs: readonly WorkflowInput[], inputs: Readonly<Record<string, string>>): void {
  const declared = declaredInputs.map((input) => input.name);
  const unknown = Object.keys(inputs).filter((name) => !declared.includes(name));
  if (unknown.length > 0) throw new UnknownInputsError(owner, unknown, declared);
  const missing = declaredInputs.filter((input) => inputs[input.name] === undefined);
  if (missing.length > 0) {
    const hints = Object.fromEntries(missing.flatMap((input) => (input.placeholder ? [[input.name, input.placeholder]] : [])));
    throw new MissingInputsError(owner, missing.map((input) => input.name), hints);
  }
}

/**
 * Substitutes arguments and `${input:...}`; refuses unknown inputs and missing ones (a placeholder is a hint, not
 * a value). A `!` command gets the arguments substituted too, as Claude Code does before running it
 * (`` !`gh pr diff $ARGUMENTS` ``); the bound command is what runs, what allowed-tools is checked against, and
 * what its output is keyed by (shellCommandsOf).
 */
export function bindParams(workflow: Workflow, params: WorkflowParams): BoundPrompt {
  const { args, inputs, rawArguments } = normalizeParams(params);
  const raw = rawArguments ?? args.join(' ');
  const syntax = syntaxOf(workflow);
  const tokens = scanTemplate(workflow.template, syntax);
  const usage = describeTemplate(tokens);

  checkInputs(workflow.name, usage.inputs, inputs);

  const empty = new Set<string>();
  const argument = (raw_: string, variable: Extract<TemplateVariable, { kind: 'arguments' | 'positional' }>): string => {
    const value = variable.kind === 'arguments' ? raw : (args[variable.index] ?? '');
    if (value === '') empty.add(raw_);
    return value;
  };

  const segments = new SegmentList();
  const attached: string[] = [];
  for (const token of tokens) {
    switch (token.kind) {
      case 'text':
        segments.text(token.text);
        continue;
      case 'shell':
        segments.push({ kind: 'shell', command: substituteArguments(token.command, syntax, argument) });
        continue;
      case 'fileRef':
        if (token.placement === 'inline') {
          segments.push({ kind: 'fileRef', path: token.path });
        } else {
          segments.text(token.raw);
          if (!attached.includes(token.path)) attached.push(token.path);
        }
        continue;
      case 'variable':
        break;
    }
    const variable = token.variable;
    switch (variable.kind) {
      case 'arguments':
      case 'positional':
        segments.text(argument(token.raw, variable));
        break;
      case 'input':
        segments.text(inputs[variable.name] ?? '');
        break;
      case 'context':
        segments.push({ context: variable.name });
        break;
      case 'module':
        segments.push({ module: variable.name });
        break;
      case 'unknown':
        segments.text(token.raw);
        break;
    }
  }
  // Typed arguments a template has no placeholder for are appended, as Claude Code does ("If you invoke a skill
  // with arguments but the skill doesn't include $ARGUMENTS, Claude Code appends ARGUMENTS: <your input>",
  // https://code.claude.com/docs/en/skills, seen 2026-12-06). Any argument placeholder counts ($0, $name): Claude
  // Code appends only when substitution changed nothing, so the words are never lost and never said twice.
  // Prompt files get the same, since VS Code passes what follows the prompt's name along with it.
  if (raw !== '' && !usage.usesArguments) segments.text(`\n\nARGUMENTS: ${raw}`);
  for (const linked of attached) segments.push({ kind: 'fileRef', path: linked, placement: 'appended' });

  const bound: BoundPrompt = { workflow: workflow.name, version: workflow.version, segments: segments.list };
  if (workflow.argumentHint !== undefined) bound.argumentHint = workflow.argumentHint;
  if (empty.size > 0) bound.emptyArguments = [...empty];
  return bound;
}

/** A shell command with its argument variables substituted (trimmed, as outputs are keyed); the rest as written. */
function substituteArguments(
  command: string,
  syntax: TemplateSyntax,
  argument: (raw: string, variable: Extract<TemplateVariable, { kind: 'arguments' | 'positional' }>) => string,
): string {
  const argumentsOnly: TemplateSyntax = { dollarArguments: syntax.dollarArguments };
  if (syntax.argumentNames !== undefined) argumentsOnly.argumentNames = syntax.argumentNames;
  return scanTemplate(command, argumentsOnly)
    .map((token) => {
      if (token.kind !== 'variable') return token.kind === 'text' ? token.text : token.raw;
      const variable = token.variable;
      return variable.kind === 'arguments' || variable.kind === 'positional' ? argument(token.raw, variable) : token.raw;
    })
    .join('')
    .trim();
}

/**
 * Fills a bound prompt's context variables, module answers, command outputs and files: the final prompt text.
 * A prompt that comes out blank is refused here, before any call, naming the arguments that were empty.
 */
export function fillContext(bound: BoundPrompt, context: RenderContext): string {
  const prompt = bound.segments.map((segment) => segmentText(segment, context, bound.workflow)).join('');
  if (prompt.trim() === '') throw new EmptyPromptError(bound.workflow, bound.argumentHint, bound.emptyArguments ?? []);
  return prompt;
}

/** The final prompt of one run. */
export function renderWorkflow(workflow: Workflow, params: WorkflowParams, context: RenderContext): string {
  return fillContext(bindParams(workflow, params), context);
}

/** A module's prompt; a module sees only context, never params, so its answer can be shared by workflows. */
export function renderModule(module: ModuleSpec, context: RenderContext): string {
  const owner = `module ${module.name}`;
  return scanTemplate(module.template, { dollarArguments: false })
    .map((token) => {
      if (token.kind === 'text') return token.text;
      // A module's syntax has no shell commands or file references, so only variables reach here.
      if (token.kind !== 'variable') return token.raw;
      switch (token.variable.kind) {
        case 'context':
          return contextValue(token.variable.name, context, owner);
        case 'unknown':
          return token.raw;
        default:
          throw new WorkflowDefinitionError(`${owner} uses ${token.raw}, but a module may use only context variables`);
      }
    })
    .join('');
}

function segmentText(segment: BoundSegment, context: RenderContext, owner: string): string {
  if ('kind' in segment) return segment.kind === 'shell' ? shellText(segment.command, context) : fileRefText(segment, context);
  if ('text' in segment) return segment.text;
  if ('context' in segment) return contextValue(segment.context, context, owner);
  const answer = context.modules?.[segment.module];
  if (answer === undefined) {
    throw new MissingContextError(`${owner} uses \${module:${segment.module}}, but that module's answer was not given`);
  }
  return context.documentsAbove ? `(the ${segment.module} notes given above)` : answer;
}

function contextValue(name: ContextVariable, context: RenderContext, owner: string): string {
  switch (name) {
    case 'selection':
    case 'selectedText': {
      const selection = need(context.selection, owner, name, 'no selection was given');
      return context.documentsAbove ? '(the selection given above)' : selection;
    }
    case 'gitDiff': {
      const diff = need(context.gitDiff, owner, name, 'no git diff was given');
      return context.documentsAbove ? '(the git diff given above)' : diff;
    }
    case 'workspaceFolder':
      return need(context.workspace, owner, name, 'no workspace folder was given');
    case 'workspaceFolderBasename':
      return path.basename(need(context.workspace, owner, name, 'no workspace folder was given'));
  }
  const file = need(context.file, owner, name, 'no file was given');
  switch (name) {
    case 'file':
      return context.documentsAbove ? `(the file ${file.path} given above)` : fileBlock(file.path, file.content);
    case 'fileBasename':
      return path.posix.basename(file.path);
    case 'fileBasenameNoExtension':
      return path.posix.basename(file.path, path.posix.extname(file.path));
    case 'fileDirname':
      return path.posix.dirname(file.path);
  }
}

/** A command's output in place of its directive, or a marker saying plainly that it is missing (the context layer runs every command first, so a run should never send it). */
function shellText(command: string, context: RenderContext): string {
  const output = context.shellOutputs?.[command];
  return output ?? `[output of \`${command}\` not available: the command was not run]`;
}

function fileRefText(segment: Extract<BoundSegment, { kind: 'fileRef' }>, context: RenderContext): string {
  const content = context.fileReferences?.[segment.path];
  if (content === undefined || content === null) return segment.placement === 'appended' ? '' : `@${segment.path}`;
  const block = fileBlock(segment.path, content);
  return segment.placement === 'appended' ? `\n\n${block}` : block;
}

/** XML-style tags are how Claude is told where a document starts and ends; no fence can collide with content. */
export function fileBlock(filePath: string, content: string): string {
  const body = content.endsWith('\n') || content.length === 0 ? content : `${content}\n`;
  return `<file path=${JSON.stringify(filePath)}>\n${body}</file>`;
}

function need<T>(value: T | undefined, owner: string, variable: ContextVariable, why: string): T {
  if (value === undefined) throw new MissingContextError(`${owner} uses \${${variable}}, but ${why}`);
  return value;
}

/** Adjacent text merged, so bound prompts stay small and compare equal when they render equal. */
class SegmentList {
  readonly list: BoundSegment[] = [];

  text(text: string): void {
    if (text.length === 0) return;
    const last = this.list[this.list.length - 1];
    if (last !== undefined && 'text' in last) last.text += text;
    else this.list.push({ text });
  }

  push(segment: BoundSegment): void {
    this.list.push(segment);
  }
}
