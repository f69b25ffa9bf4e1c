import type { ContextKind } from '../context/snapshot';
import { canonicalReads } from '../context/snapshot';
import type { WorkflowInput } from './workflow';

/**
 * Template syntax, shared by built-ins and workflow files:
 * - `${selection}` (alias `${selectedText}`): the selected text.
 * - `${file}`: the file, as `<file path="...">content</file>`, since Claude cannot open files itself;
 *   `${fileBasename}`, `${fileBasenameNoExtension}`, `${fileDirname}`: parts of its workspace-relative path.
 * - `${gitDiff}`: the workspace's uncommitted changes.
 * - `${workspaceFolder}`, `${workspaceFolderBasename}`: the workspace folder's path and name.
 * - `${input:name}`, `${input:name:placeholder}`: a value from `--arg name=value`, else the placeholder.
 * - `${module:name}`: a module's answer.
 * - `$ARGUMENTS` and `$1`..`$9` (not in `.github/prompts` files, where `$1` is usually shell text):
 *   the words after the workflow name, joined by spaces, or one by one. `$10` is text, not `$1` then `0`.
 * Anything else inside `${...}` is left as written and reported as a problem.
 */
export const CONTEXT_VARIABLES = {
  selection: 'selection',
  selectedText: 'selection',
  file: 'file',
  fileBasename: 'file',
  fileBasenameNoExtension: 'file',
  fileDirname: 'file',
  gitDiff: 'gitDiff',
  workspaceFolder: undefined,
  workspaceFolderBasename: undefined,
} as const satisfies Record<string, ContextKind | undefined>;

export type ContextVariable = keyof typeof CONTEXT_VARIABLES;

export type TemplateVariable =
  | { kind: 'arguments' }
  | { kind: 'positional'; index: number }
  | { kind: 'context'; name: ContextVariable }
  | { kind: 'input'; name: string; placeholder?: string }
  | { kind: 'module'; name: string }
  | { kind: 'unknown'; reason: string };

export type TemplateToken =
  | { kind: 'text'; text: string }
  | { kind: 'variable'; variable: TemplateVariable; raw: string; offset: number };

/** Whether `$ARGUMENTS` and `$1`..`$9` are variables in a template (they are not in GitHub prompt files). */
export interface TemplateSyntax {
  dollarArguments: boolean;
}

const BRACED = String.raw`\$\{([^{}\n]*)\}`;
const DOLLAR = String.raw`\$ARGUMENTS(?![A-Za-z0-9_])|\$([1-9])(?![0-9])`;
const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const MODULE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Splits a template into text and variables, once; rendering walks these tokens, so it is single pass. */
export function scanTemplate(template: string, syntax: TemplateSyntax): TemplateToken[] {
  const pattern = new RegExp(syntax.dollarArguments ? `${BRACED}|${DOLLAR}` : BRACED, 'g');
  const tokens: TemplateToken[] = [];
  let last = 0;
  for (const match of template.matchAll(pattern)) {
    const offset = match.index;
    if (offset > last) tokens.push({ kind: 'text', text: template.slice(last, offset) });
    tokens.push({ kind: 'variable', variable: classify(match), raw: match[0], offset });
    last = offset + match[0].length;
  }
  if (last < template.length) tokens.push({ kind: 'text', text: template.slice(last) });
  return tokens;
}

function classify(match: RegExpMatchArray): TemplateVariable {
  const [, braced, digit] = match;
  if (digit !== undefined) return { kind: 'positional', index: Number(digit) };
  if (braced === undefined) return { kind: 'arguments' };
  if (Object.hasOwn(CONTEXT_VARIABLES, braced)) return { kind: 'context', name: braced as ContextVariable };
  const [prefix, name = '', ...rest] = braced.split(':');
  if (prefix === 'input') {
    if (!INPUT_NAME.test(name)) {
      return { kind: 'unknown', reason: 'an input name is a letter or _ followed by letters, digits, _ or -' };
    }
    return rest.length === 0 ? { kind: 'input', name } : { kind: 'input', name, placeholder: rest.join(':') };
  }
  if (prefix === 'module') {
    if (rest.length > 0 || !MODULE_NAME.test(name)) {
      return { kind: 'unknown', reason: 'a module name is lower-case letters, digits and -' };
    }
    return { kind: 'module', name };
  }
  return {
    kind: 'unknown',
    reason: `known variables are ${Object.keys(CONTEXT_VARIABLES).map((key) => `\${${key}}`).join(', ')}, \${input:name}, \${input:name:placeholder} and \${module:name}`,
  };
}

/** What a template uses, gathered from its tokens. */
export interface TemplateUsage {
  reads: ContextKind[];
  /** In order of first use; the first placeholder given for a name wins (an empty one is a valid default). */
  inputs: WorkflowInput[];
  modules: string[];
  /** Whether `$ARGUMENTS` or any `$N` appears. */
  usesArguments: boolean;
  unknown: Array<{ raw: string; offset: number; reason: string }>;
}

export function describeTemplate(tokens: readonly TemplateToken[]): TemplateUsage {
  const reads = new Set<ContextKind>();
  const inputs = new Map<string, WorkflowInput>();
  const modules = new Set<string>();
  const unknown: TemplateUsage['unknown'] = [];
  let usesArguments = false;
  for (const token of tokens) {
    if (token.kind === 'text') continue;
    const variable = token.variable;
    switch (variable.kind) {
      case 'arguments':
      case 'positional':
        usesArguments = true;
        break;
      case 'context': {
        const kind = CONTEXT_VARIABLES[variable.name];
        if (kind !== undefined) reads.add(kind);
        break;
      }
      case 'input': {
        const known = inputs.get(variable.name);
        if (known === undefined) {
          const input: WorkflowInput = { name: variable.name };
          if (variable.placeholder !== undefined) input.placeholder = variable.placeholder;
          inputs.set(variable.name, input);
        } else if (known.placeholder === undefined && variable.placeholder !== undefined) {
          known.placeholder = variable.placeholder;
        }
        break;
      }
      case 'module':
        modules.add(variable.name);
        break;
      case 'unknown':
        unknown.push({ raw: token.raw, offset: token.offset, reason: variable.reason });
        break;
    }
  }
  return { reads: canonicalReads(reads), inputs: [...inputs.values()], modules: [...modules], usesArguments, unknown };
}
