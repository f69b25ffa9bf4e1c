import { sha256 } from '../context/hash';
import { canonicalReads } from '../context/snapshot';
import { BUILTIN_MODULES } from './builtins';
import { isFrontmatterError, parseFrontmatter } from './frontmatter';
import { syntaxOf } from './render';
import { ARGUMENT_NAME, TEMPLATE_SYNTAX_REVISION, describeTemplate, scanTemplate } from './template';
import { describeToolUse } from './toolsNote';
import type { ModuleSpec, Workflow, WorkflowProblem } from './workflow';

/** Larger than any prompt anyone writes by hand; anything bigger is not a prompt file. */
export const MAX_WORKFLOW_FILE_BYTES = 256 * 1024;

/** A workflow file found on disk, before it is read. */
export interface WorkflowFile {
  /** Workspace-relative path with `/` separators; for user-level files, `~/.claude/...` (see Workflow.filePath). */
  path: string;
  source: 'claude-skill' | 'claude-command' | 'github-prompt';
  /** From the path; a skill's or prompt file's `name:` field replaces it. */
  name: string;
  scope?: 'user';
}

export interface ParsedWorkflowFile {
  /** Absent when an error-severity problem made the file unusable. */
  workflow?: Workflow;
  problems: WorkflowProblem[];
}

/**
 * Frontmatter keys this engine reads as text. Every other key (`disable-model-invocation`, `context`, `hooks`, ...)
 * is kept in the YAML and ignored: a field we do not use is never a reason to refuse a file.
 */
const STRING_FIELDS = ['name', 'description', 'argument-hint', 'model'] as const;
/** Same rule as a file-derived name segment (discover.ts): the name becomes part of cache keys and CLI arguments. */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(?::[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Turns one file's bytes into a workflow, or into problems that name the file and line. */
export function parseWorkflowFile(file: WorkflowFile, bytes: Uint8Array): ParsedWorkflowFile {
  const problems: WorkflowProblem[] = [];
  const fail = (message: string, line?: number): ParsedWorkflowFile => {
    problems.push(line === undefined ? { file: file.path, message, severity: 'error' } : { file: file.path, line, message, severity: 'error' });
    return { problems };
  };
  const warn = (message: string, line: number): void => {
    problems.push({ file: file.path, line, message, severity: 'warning' });
  };

  if (bytes.length > MAX_WORKFLOW_FILE_BYTES) {
    return fail(`is ${bytes.length} bytes; workflow files are limited to ${MAX_WORKFLOW_FILE_BYTES} bytes, so it was skipped`);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const before = lenientUtf8.decode(bytes.subarray(0, nul));
    return fail('is binary (it contains NUL bytes), not a Markdown prompt; skipped', lineAt(before, before.length));
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const lenient = lenientUtf8.decode(bytes);
    return fail('is not valid UTF-8 text; skipped', lineAt(lenient, lenient.indexOf('\uFFFD')));
  }

  const frontmatter = parseFrontmatter(text);
  if (isFrontmatterError(frontmatter)) return fail(`${frontmatter.message}; skipped`, frontmatter.line);
  const { fields, lines, written, body, bodyLine } = frontmatter;

  const strings: Partial<Record<(typeof STRING_FIELDS)[number], string>> = {};
  for (const key of STRING_FIELDS) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    const asText = fieldText(key, value, written[key]);
    if (asText === undefined) {
      warn(`frontmatter \`${key}\` is ${describeType(value)}, not text, so it is ignored`, lines[key] ?? 1);
    } else {
      strings[key] = asText;
    }
  }

  const template = body.trim();
  if (template.length === 0) return fail('has no prompt text after its frontmatter; skipped', bodyLine);
  const bodyStart = body.indexOf(template);
  const lineOf = (offset: number): number => bodyLine + countNewlines(body, bodyStart + offset);

  let name = file.name;
  const declaredName = strings.name?.trim();
  // A skill is named by its `name` field or its folder; a prompt file by `name` or its file name
  // (https://code.claude.com/docs/en/skills "Frontmatter reference" and the VS Code prompt-files page, 2026-12-06).
  // A command's name always comes from its path.
  if (declaredName && file.source !== 'claude-command' && declaredName !== name) {
    if (NAME.test(declaredName)) name = declaredName;
    else warn(`frontmatter \`name\` "${declaredName}" has characters a workflow name cannot have; it is run as "${name}"`, lines.name ?? 1);
  }

  const argumentNames = listField(fields.arguments, written.arguments);
  const badNames = argumentNames.filter((entry) => !ARGUMENT_NAME.test(entry));
  if (badNames.length > 0) {
    warn(`frontmatter \`arguments\` has names that cannot follow \`$\` (${badNames.join(', ')}); they are ignored`, lines.arguments ?? 1);
  }
  const draft: Pick<Workflow, 'source' | 'filePath' | 'argumentNames' | 'scope'> = { source: file.source, filePath: file.path };
  if (file.scope) draft.scope = file.scope;
  const usableNames = argumentNames.filter((entry) => ARGUMENT_NAME.test(entry));
  if (usableNames.length > 0) draft.argumentNames = usableNames;

  const usage = describeTemplate(scanTemplate(template, syntaxOf(draft)));
  // One warning per distinct variable, at its first line: a file that writes `${TIMESTAMP}` ten times (shell
  // examples) needs one note, not ten.
  const seen = new Map<string, number>();
  for (const unknown of usage.unknown) seen.set(unknown.raw, (seen.get(unknown.raw) ?? 0) + 1);
  for (const unknown of usage.unknown) {
    const times = seen.get(unknown.raw);
    if (times === undefined) continue;
    seen.delete(unknown.raw);
    const also = times > 1 ? `, here and ${times - 1} more time${times === 2 ? '' : 's'}` : '';
    warn(`unknown variable ${unknown.raw} is left as written${also} (${unknown.reason})`, lineOf(unknown.offset));
  }
  const modules: ModuleSpec[] = [];
  for (const moduleName of usage.modules) {
    const module = BUILTIN_MODULES.find((candidate) => candidate.name === moduleName);
    if (module === undefined) {
      const offset = template.indexOf(`\${module:${moduleName}}`);
      return fail(
        `uses \${module:${moduleName}}, but there is no module of that name (available: ${BUILTIN_MODULES.map((m) => m.name).join(', ')}); skipped`,
        lineOf(offset),
      );
    }
    modules.push(module);
  }

  // `allowed-tools` (Claude Code) and `tools` (prompt files): a YAML list or one comma/space separated line.
  const allowedTools = [...listField(fields['allowed-tools'], written['allowed-tools']), ...listField(fields.tools, written.tools)];
  const workflow: Workflow = {
    name,
    description: strings.description?.trim() || firstLine(template),
    source: file.source,
    filePath: file.path,
    // The syntax revision is hashed in: the same bytes read under new rules bind differently.
    version: sha256(Buffer.concat([Buffer.from(`syntax ${TEMPLATE_SYNTAX_REVISION}\0`), bytes])).slice(0, 16),
    template,
    reads: canonicalReads([...usage.reads, ...modules.flatMap((module) => module.reads)]),
    inputs: usage.inputs,
    modules,
    shellCommands: usage.shellCommands,
    fileReferences: usage.fileReferences,
    allowedTools,
  };
  if (file.scope) workflow.scope = file.scope;
  if (draft.argumentNames) workflow.argumentNames = draft.argumentNames;
  if (strings.model !== undefined && strings.model.trim() !== '') workflow.model = strings.model.trim();
  if (strings['argument-hint'] !== undefined && strings['argument-hint'].trim() !== '') workflow.argumentHint = strings['argument-hint'].trim();
  const toolsNote = describeToolUse({ allowedTools, agent: textOf(fields.agent), mode: textOf(fields.mode), context: textOf(fields.context) });
  if (toolsNote) workflow.toolsNote = toolsNote;
  return { workflow, problems };
}

/**
 * A field we read as text. `argument-hint: [pr-number]` is a YAML list to a parser but a hint to its author, so a
 * list comes back as written; a number or true/false as its text; a mapping is not text.
 */
function fieldText(key: string, value: unknown, written: string | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return written ?? String(value);
  if (Array.isArray(value) && key === 'argument-hint' && written !== undefined && written.startsWith('[')) return written;
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
    if (key === 'argument-hint') return value.map((item) => `[${String(item)}]`).join(' ');
    return value.map((item) => String(item)).join(', ');
  }
  return undefined;
}

/** A list field written as a YAML list or as one line separated by commas or spaces (not inside parentheses). */
function listField(value: unknown, written: string | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter((item) => item !== null && typeof item !== 'object').map((item) => String(item).trim()).filter(Boolean);
  if (typeof value !== 'string') return written ? [written] : [];
  const entries: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of value) {
    if (char === '(') depth++;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (char === ',' || /\s/.test(char))) {
      if (current.trim()) entries.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim()) entries.push(current.trim());
  return entries;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

function firstLine(template: string): string {
  const line = template.split('\n').find((candidate) => candidate.trim().length > 0) ?? '';
  const clean = line.replace(/^#+\s*/, '').trim();
  return clean.length > 120 ? `${clean.slice(0, 119)}…` : clean;
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index >= 0 && index < end; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

function lineAt(text: string, offset: number): number {
  return 1 + countNewlines(text, offset);
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}
