import path from 'node:path';
import { MissingContextError, MissingInputsError, UnknownInputsError, WorkflowDefinitionError } from './errors';
import type { ContextVariable, TemplateSyntax } from './template';
import { describeTemplate, scanTemplate } from './template';
import type { ModuleSpec, Workflow, WorkflowParams, WorkflowSource } from './workflow';

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
   * When true, documents (selection, file, git diff, module answers) are not inlined: each variable becomes a
   * short reference to the same document sent ahead of the prompt as a cacheable block (provider prompt caching).
   */
  documentsAbove?: boolean;
}

export type BoundSegment = { text: string } | { context: ContextVariable } | { module: string };

/**
 * A workflow with its params substituted and its context still open: the prompt layer's value, since its key
 * (command + params) does not cover the context. Plain data. Substituted values are text segments, so a
 * value containing `${file}` or `$1` can never be expanded by the later context pass.
 */
export interface BoundPrompt {
  workflow: string;
  version: string;
  segments: BoundSegment[];
}

export function templateSyntax(source: WorkflowSource): TemplateSyntax {
  return { dollarArguments: source !== 'github-prompt' };
}

/**
 * The stable form of params, for keys: args trimmed with trailing empty ones dropped (a missing `$N` renders
 * as empty anyway), inputs in sorted key order. Values are kept as typed.
 */
export function normalizeParams(params: WorkflowParams): WorkflowParams {
  const args = params.args.map((arg) => arg.trim());
  while (args.length > 0 && args[args.length - 1] === '') args.pop();
  const inputs: Record<string, string> = {};
  for (const name of Object.keys(params.inputs).sort()) inputs[name] = params.inputs[name] as string;
  return { args, inputs };
}

/** Substitutes `$ARGUMENTS`, `$1`..`$9` and `${input:...}`; refuses unknown inputs and missing ones. */
export function bindParams(workflow: Workflow, params: WorkflowParams): BoundPrompt {
  const { args, inputs } = normalizeParams(params);
  const tokens = scanTemplate(workflow.template, templateSyntax(workflow.source));
  const usage = describeTemplate(tokens);

  const declared = usage.inputs.map((input) => input.name);
  const unknown = Object.keys(inputs).filter((name) => !declared.includes(name));
  if (unknown.length > 0) throw new UnknownInputsError(workflow.name, unknown, declared);
  const missing = usage.inputs.filter((input) => inputs[input.name] === undefined && input.placeholder === undefined);
  if (missing.length > 0) throw new MissingInputsError(workflow.name, missing.map((input) => input.name));

  const segments = new SegmentList();
  for (const token of tokens) {
    if (token.kind === 'text') {
      segments.text(token.text);
      continue;
    }
    const variable = token.variable;
    switch (variable.kind) {
      case 'arguments':
        segments.text(args.join(' '));
        break;
      case 'positional':
        segments.text(args[variable.index - 1] ?? '');
        break;
      case 'input':
        segments.text(inputs[variable.name] ?? usage.inputs.find((i) => i.name === variable.name)?.placeholder ?? '');
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
  // Words typed after a workflow that never mentions them are appended, as Claude Code does, not dropped.
  if (args.length > 0 && !usage.usesArguments) {
    segments.text(`\n\nARGUMENTS: ${args.join(' ')}`);
  }
  return { workflow: workflow.name, version: workflow.version, segments: segments.list };
}

/** Fills a bound prompt's context variables and module answers: the final prompt text. */
export function fillContext(bound: BoundPrompt, context: RenderContext): string {
  return bound.segments.map((segment) => segmentText(segment, context, bound.workflow)).join('');
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
