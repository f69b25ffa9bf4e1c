import { sha256 } from '../context/hash';
import { canonicalReads } from '../context/snapshot';
import { BUILTIN_MODULES } from './builtins';
import { isFrontmatterError, parseFrontmatter } from './frontmatter';
import { templateSyntax } from './render';
import { describeTemplate, scanTemplate } from './template';
import type { ModuleSpec, Workflow, WorkflowProblem } from './workflow';

/** Larger than any prompt anyone writes by hand; anything bigger is not a prompt file. */
export const MAX_WORKFLOW_FILE_BYTES = 256 * 1024;

/** A workflow file found on disk, before it is read. */
export interface WorkflowFile {
  /** Workspace-relative path with `/` separators. */
  path: string;
  source: 'claude-command' | 'github-prompt';
  name: string;
}

export interface ParsedWorkflowFile {
  /** Absent when an error-severity problem made the file unusable. */
  workflow?: Workflow;
  problems: WorkflowProblem[];
}

/** Frontmatter keys this engine uses, all strings; other keys (`allowed-tools`, `mode`, `tools`, ...) pass. */
const STRING_FIELDS = ['description', 'argument-hint', 'model'] as const;

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
  const { fields, lines, body, bodyLine } = frontmatter;

  const strings: Partial<Record<(typeof STRING_FIELDS)[number], string>> = {};
  const mistyped = STRING_FIELDS.filter((key) => fields[key] !== undefined && fields[key] !== null && typeof fields[key] !== 'string');
  if (mistyped.length > 0) {
    // Every wrong field at once, in file order, so one fix-and-reload cycle is enough.
    for (const key of mistyped.sort((a, b) => (lines[a] ?? 0) - (lines[b] ?? 0))) {
      fail(`frontmatter \`${key}\` must be text, not ${describeType(fields[key])}; skipped`, lines[key]);
    }
    return { problems };
  }
  for (const key of STRING_FIELDS) {
    const value = fields[key];
    if (typeof value === 'string') strings[key] = value;
  }

  const template = body.trim();
  if (template.length === 0) return fail('has no prompt text after its frontmatter; skipped', bodyLine);
  const bodyStart = body.indexOf(template);
  const lineOf = (offset: number): number => bodyLine + countNewlines(body, bodyStart + offset);

  const usage = describeTemplate(scanTemplate(template, templateSyntax(file.source)));
  for (const unknown of usage.unknown) {
    warn(`unknown variable ${unknown.raw} is left as written (${unknown.reason})`, lineOf(unknown.offset));
  }
  const modules: ModuleSpec[] = [];
  for (const name of usage.modules) {
    const module = BUILTIN_MODULES.find((candidate) => candidate.name === name);
    if (module === undefined) {
      const offset = template.indexOf(`\${module:${name}}`);
      return fail(
        `uses \${module:${name}}, but there is no module of that name (available: ${BUILTIN_MODULES.map((m) => m.name).join(', ')}); skipped`,
        lineOf(offset),
      );
    }
    modules.push(module);
  }

  const workflow: Workflow = {
    name: file.name,
    description: strings.description?.trim() || firstLine(template),
    source: file.source,
    filePath: file.path,
    version: sha256(bytes).slice(0, 16),
    template,
    reads: canonicalReads([...usage.reads, ...modules.flatMap((module) => module.reads)]),
    inputs: usage.inputs,
    modules,
  };
  if (strings.model !== undefined) workflow.model = strings.model.trim();
  if (strings['argument-hint'] !== undefined) workflow.argumentHint = strings['argument-hint'];
  return { workflow, problems };
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
