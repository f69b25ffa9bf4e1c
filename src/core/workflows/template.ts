import path from 'node:path';
import type { ContextKind } from '../context/snapshot';
import { canonicalReads } from '../context/snapshot';
import type { WorkflowInput } from './workflow';

/**
 * Template syntax. Built-ins and every workflow file share the `${...}` variables; the rest depends on the format.
 *
 * `${...}` variables (VS Code prompt-file variables, https://code.visualstudio.com/docs/agent-customization/prompt-files
 * "Variables", seen 2026-12-06; we accept them in every format):
 * - `${selection}` (alias `${selectedText}`): the selected text.
 * - `${file}`: the file, as `<file path="...">content</file>`, since Claude cannot open files itself;
 *   `${fileBasename}`, `${fileBasenameNoExtension}`, `${fileDirname}`: parts of its workspace-relative path.
 * - `${gitDiff}` (ours): the workspace's uncommitted changes.
 * - `${workspaceFolder}`, `${workspaceFolderBasename}`: the workspace folder's path and name.
 * - `${input:name}`, `${input:name:placeholder}`: a value the user gives. The placeholder is the hint VS Code shows
 *   in the input field, never a value: a run without the value is refused (CLI) or asked for (extension).
 * - `${module:name}` (ours): a module's answer.
 * Anything else inside `${...}` is left as written and reported as a problem.
 *
 * Claude Code files (commands, skills) and built-ins, as https://code.claude.com/docs/en/skills documents them
 * ("Pass arguments to skills", "Inject dynamic context", seen 2026-12-06; also
 * https://claude-with-skills.vercel.app/reference/substitution-variables/ and
 * https://www.anthropiccertifications.com/courses/introduction-to-agent-skills/dynamic-context-injection, same date):
 * - `$ARGUMENTS`: the arguments exactly as typed.
 * - `$ARGUMENTS[N]` and `$N`: the N-th argument, 0-based, after a shell-style split (quotes group words and are
 *   removed). An index past the end is empty.
 * - `$name`, for each name the `arguments` frontmatter field declares: the argument at that name's position.
 * - `` !`command` `` where `!` starts a line or follows whitespace, and a fenced block opened with ```` ```! ````:
 *   a shell command whose output replaces it (run by the context layer, never here; arguments in it are
 *   substituted first, see bindParams). Like Claude Code's
 *   preprocessor, this reads the file as plain text, so a directive inside a code span or fence counts too.
 * - `@path` (Claude Code file reference, https://docs.anthropic.com/en/docs/claude-code/slash-commands "File
 *   references", seen 2026-12-06): the file's content. We take a path only where it looks like one (it has a `/`
 *   or a `.`, it is relative, it stays in the workspace) and not in code, so `@param` or `` `@types/node` `` stay text.
 *
 * VS Code prompt files: `$1` and `$ARGUMENTS` are ordinary text there (they are usually shell examples), and a
 * Markdown link to a workspace file, relative to the prompt file, attaches that file (prompt-files page, "Prompt
 * file body", same date).
 */
/**
 * Enters every workflow's version, so cache entries bound under an older reading of the syntax retire: revision 2
 * made `$N` 0-based, placeholders hints, and added `$ARGUMENTS[N]`, named arguments, `!` commands and `@` files.
 */
export const TEMPLATE_SYNTAX_REVISION = 2;

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
  /** 0-based; `name` is set for a named argument (`$issue`). */
  | { kind: 'positional'; index: number; name?: string }
  | { kind: 'context'; name: ContextVariable }
  | { kind: 'input'; name: string; placeholder?: string }
  | { kind: 'module'; name: string }
  | { kind: 'unknown'; reason: string };

export type TemplateToken =
  | { kind: 'text'; text: string }
  | { kind: 'variable'; variable: TemplateVariable; raw: string; offset: number }
  /** `command` as written, before argument substitution. */
  | { kind: 'shell'; command: string; raw: string; offset: number }
  /**
   * A workspace-relative path (`/` separators). `inline` (Claude Code `@path`): the content replaces the reference.
   * `link` (prompt-file Markdown link): the link stays as written and the file is attached after the prompt.
   */
  | { kind: 'fileRef'; path: string; placement: 'inline' | 'link'; raw: string; offset: number };

export interface TemplateSyntax {
  /** `$ARGUMENTS`, `$ARGUMENTS[N]`, `$N` and named arguments are variables (Claude Code files and built-ins). */
  dollarArguments: boolean;
  /** Names from the `arguments` frontmatter field, in order: `$name` is the argument at that position. */
  argumentNames?: readonly string[];
  /** `` !`cmd` `` and ```` ```! ```` blocks are shell commands (Claude Code files). */
  shellCommands?: boolean;
  /** `@path` references are files (Claude Code files). */
  fileMentions?: boolean;
  /**
   * Markdown links to files are attachments (prompt files): the workspace-relative folder links are relative to.
   * Absent: links are plain text.
   */
  linkBase?: string;
}

const BRACED = String.raw`\$\{([^{}\n]*)\}`;
const INDEXED = String.raw`\$ARGUMENTS\[(\d+)\]`;
const ALL_ARGUMENTS = String.raw`\$ARGUMENTS(?![A-Za-z0-9_])`;
const NUMBERED = String.raw`\$(\d+)(?!\d)`;
/** ```` ```! ```` at a line start, up to the closing fence on its own line. */
const SHELL_BLOCK = String.raw`(?<=^|\n)\`\`\`!\n([\s\S]*?)\n\`\`\`(?=[ \t]*(?:\n|$))`;
/** `` !`cmd` `` where `!` starts a line or follows whitespace (so `KEY=!`x`` or `` `fix!` `` stay text). */
const SHELL_INLINE = String.raw`(?<![^\s])!\`([^\`\n]+)\``;
/** `@` at a line start or after whitespace, then path characters; validated in classifyMention. */
const MENTION = String.raw`(?<![^\s])@([A-Za-z0-9_.\-/+%~][^\s\`'"<>()\[\]{},;$]*)`;
/** `[label](target "title")`, not an image (`![...]`). */
const LINK = String.raw`(?<!!)\[[^\]\n]*\]\(\s*(<[^>\n]+>|[^()\s]+)(?:\s+"[^"\n]*")?\s*\)`;

const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const MODULE_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** A named argument: the `arguments` field's entries that can be written after `$`. */
export const ARGUMENT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Splits a template into text, variables, shell commands and file references, once: rendering is single pass. */
export function scanTemplate(template: string, syntax: TemplateSyntax): TemplateToken[] {
  const alternatives: Array<[string, string]> = [];
  if (syntax.shellCommands) alternatives.push(['shellBlock', SHELL_BLOCK], ['shellInline', SHELL_INLINE]);
  alternatives.push(['braced', BRACED]);
  if (syntax.dollarArguments) {
    alternatives.push(['indexed', INDEXED], ['all', ALL_ARGUMENTS], ['numbered', NUMBERED]);
    const names = namesPattern(syntax.argumentNames);
    if (names) alternatives.push(['named', names]);
  }
  if (syntax.fileMentions) alternatives.push(['mention', MENTION]);
  if (syntax.linkBase !== undefined) alternatives.push(['link', LINK]);
  const pattern = new RegExp(alternatives.map(([name, source]) => `(?<${name}>${source})`).join('|'), 'g');
  const code = syntax.fileMentions ? codeRanges(template) : [];

  const tokens: TemplateToken[] = [];
  let last = 0;
  for (let match = pattern.exec(template); match !== null; match = pattern.exec(template)) {
    const offset = match.index;
    const token = classify(match, offset, syntax, code);
    if (token === undefined || token.kind === 'text') {
      // Not ours after all (a URL link, `@param`): look again from the next character, so a variable inside
      // the rejected span (a link label's `${input:x}`) is still found.
      pattern.lastIndex = offset + 1;
      continue;
    }
    if (offset > last) tokens.push({ kind: 'text', text: template.slice(last, offset) });
    tokens.push(token);
    // A mention gives trailing punctuation back to the text, so its raw can be shorter than the match.
    last = offset + token.raw.length;
    pattern.lastIndex = last;
  }
  if (last < template.length) tokens.push({ kind: 'text', text: template.slice(last) });
  return tokens;
}

/** Longest names first, so `$old-name` is not read as `$old` followed by `-name`. */
function namesPattern(names: readonly string[] | undefined): string | undefined {
  const usable = [...new Set(names ?? [])].filter((name) => ARGUMENT_NAME.test(name) && name !== 'ARGUMENTS');
  if (usable.length === 0) return undefined;
  usable.sort((a, b) => b.length - a.length);
  return String.raw`\$(?:${usable.map(escapeRegExp).join('|')})(?![A-Za-z0-9_])`;
}

function classify(match: RegExpMatchArray, offset: number, syntax: TemplateSyntax, code: Array<[number, number]>): TemplateToken | undefined {
  const groups = match.groups ?? {};
  const raw = match[0];
  const variable = (value: TemplateVariable): TemplateToken => ({ kind: 'variable', variable: value, raw, offset });
  if (groups.shellBlock !== undefined) return shell(raw.slice(5, -4), raw, offset);
  if (groups.shellInline !== undefined) return shell(raw.slice(2, -1), raw, offset);
  if (groups.braced !== undefined) return variable(classifyBraced(raw.slice(2, -1)));
  if (groups.indexed !== undefined) return variable({ kind: 'positional', index: Number(raw.slice('$ARGUMENTS['.length, -1)) });
  if (groups.all !== undefined) return variable({ kind: 'arguments' });
  if (groups.numbered !== undefined) return variable({ kind: 'positional', index: Number(raw.slice(1)) });
  if (groups.named !== undefined) {
    const name = raw.slice(1);
    return variable({ kind: 'positional', index: (syntax.argumentNames ?? []).indexOf(name), name });
  }
  if (groups.mention !== undefined) {
    if (code.some(([start, end]) => offset >= start && offset < end)) return undefined;
    const mention = workspacePath(raw.slice(1).replace(/[.,:;!?]+$/, ''), '');
    if (mention === undefined || !/[./]/.test(mention)) return undefined;
    // Trailing punctuation ends a sentence, not the path: it goes back to the text.
    const written = raw.replace(/[.,:;!?]+$/, '');
    return { kind: 'fileRef', path: mention, placement: 'inline', raw: written, offset };
  }
  if (groups.link !== undefined) {
    const target = /\]\(\s*(<[^>\n]+>|[^()\s]+)/.exec(raw)?.[1] ?? '';
    const linked = linkTarget(target, syntax.linkBase ?? '');
    return linked === undefined ? undefined : { kind: 'fileRef', path: linked, placement: 'link', raw, offset };
  }
  return undefined;
}

/** Commands are trimmed, as the context layer keys their output (snapshotRenderContext.ts); a blank one is text. */
function shell(command: string, raw: string, offset: number): TemplateToken | undefined {
  const trimmed = command.trim();
  return trimmed === '' ? undefined : { kind: 'shell', command: trimmed, raw, offset };
}

function classifyBraced(braced: string): TemplateVariable {
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

/** A Markdown link's target as a workspace-relative file path, or undefined for URLs, anchors and paths outside. */
function linkTarget(target: string, base: string): string | undefined {
  let written = target.startsWith('<') ? target.slice(1, -1) : target;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(written) || written.startsWith('#')) return undefined;
  written = written.replace(/[?#].*$/, '');
  try {
    written = decodeURI(written);
  } catch {
    return undefined;
  }
  return workspacePath(written, base);
}

/** `relative` resolved against the workspace-relative folder `base`, or undefined when absolute or outside. */
function workspacePath(relative: string, base: string): string | undefined {
  if (relative === '' || relative.startsWith('/') || relative.startsWith('~') || relative.includes('\\')) return undefined;
  const joined = path.posix.normalize(path.posix.join(base || '.', relative));
  if (joined === '.' || joined === '..' || joined.startsWith('../') || joined.endsWith('/')) return undefined;
  return joined;
}

/** Fenced code blocks and inline code spans, where `@` is code (`@Override`, `@types/node`), not a reference. */
function codeRanges(template: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let offset = 0;
  let open: { marker: string; start: number } | undefined;
  for (const line of template.split('\n')) {
    const fence = /^[ \t]*(`{3,}|~{3,})/.exec(line)?.[1];
    if (open === undefined && fence !== undefined) open = { marker: fence, start: offset };
    else if (open !== undefined && fence !== undefined && fence.startsWith(open.marker) && line.trim() === fence) {
      ranges.push([open.start, offset + line.length]);
      open = undefined;
    }
    offset += line.length + 1;
  }
  if (open !== undefined) ranges.push([open.start, template.length]);
  for (const match of template.matchAll(/`[^`\n]+`/g)) ranges.push([match.index, match.index + match[0].length]);
  return ranges;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What a template uses, gathered from its tokens. */
export interface TemplateUsage {
  reads: ContextKind[];
  /** In order of first use; the first placeholder given for a name wins. */
  inputs: WorkflowInput[];
  modules: string[];
  /**
   * Whether any argument variable appears (`$ARGUMENTS`, `$ARGUMENTS[N]`, `$N`, `$name`): when none does, the
   * typed arguments are appended as `ARGUMENTS: ...` (see bindParams).
   */
  usesArguments: boolean;
  /** Commands of `` !`cmd` `` directives, as written, in order, without repeats. */
  shellCommands: string[];
  /** Paths of `@path` references and of linked files, in order, without repeats. */
  fileReferences: string[];
  unknown: Array<{ raw: string; offset: number; reason: string }>;
}

export function describeTemplate(tokens: readonly TemplateToken[]): TemplateUsage {
  const reads = new Set<ContextKind>();
  const inputs = new Map<string, WorkflowInput>();
  const modules = new Set<string>();
  const shellCommands = new Set<string>();
  const fileReferences = new Set<string>();
  const unknown: TemplateUsage['unknown'] = [];
  let usesArguments = false;
  for (const token of tokens) {
    if (token.kind === 'text') continue;
    if (token.kind === 'shell') {
      shellCommands.add(token.command);
      // Claude Code substitutes arguments inside the command, so they are not appended again.
      if (/\$(?:ARGUMENTS|\d)/.test(token.command)) usesArguments = true;
      continue;
    }
    if (token.kind === 'fileRef') {
      fileReferences.add(token.path);
      continue;
    }
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
  return {
    reads: canonicalReads(reads),
    inputs: [...inputs.values()],
    modules: [...modules],
    usesArguments,
    shellCommands: [...shellCommands],
    fileReferences: [...fileReferences],
    unknown,
  };
}
