import type { Dirent } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../errors';
import { OutsideWorkspaceError, realPathInWorkspace } from '../pathContainment';
import { BUILTIN_WORKFLOWS } from './builtins';
import type { WorkflowFile } from './workflowFile';
import { MAX_WORKFLOW_FILE_BYTES, parseWorkflowFile } from './workflowFile';
import type { Workflow, WorkflowProblem, WorkflowSource } from './workflow';

export const CLAUDE_COMMANDS_DIR = '.claude/commands';
export const GITHUB_PROMPTS_DIR = '.github/prompts';
const GITHUB_PROMPT_SUFFIX = '.prompt.md';

/** Bounds on the walk, so a mistaken symlink or a generated folder cannot stall discovery. */
const MAX_DEPTH = 8;
const MAX_FILES = 1000;

/** One segment of a workflow name: it becomes part of cache keys and CLI arguments. */
const NAME_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * When names collide, the first source here keeps the plain name and the others stay reachable under
 * `<qualifier>:<name>`: `.claude/commands` beats `.github/prompts`, and both override built-ins, so a team can
 * replace `review-file` with its own and still run the original as `builtin:review-file`.
 */
const PRECEDENCE: readonly WorkflowSource[] = ['claude-command', 'github-prompt', 'builtin'];
const QUALIFIER: Record<WorkflowSource, string> = { 'claude-command': 'claude', 'github-prompt': 'github', builtin: 'builtin' };

export interface DiscoveredWorkflows {
  /** Built-ins and files, sorted by name, names unique. */
  workflows: Workflow[];
  /** Sorted by file, then line. */
  problems: WorkflowProblem[];
}

/**
 * Built-in workflows plus `.claude/commands/**\/*.md` and `.github/prompts/*.prompt.md` under a workspace.
 * A broken file is reported and skipped; the rest still load.
 */
export async function discoverWorkflows(workspaceDir: string): Promise<DiscoveredWorkflows> {
  const workspace = path.resolve(workspaceDir);
  const problems: WorkflowProblem[] = [];
  const found: Workflow[] = [];

  if (!(await isDirectory(workspace))) {
    problems.push({ file: workspaceDir, message: 'workspace folder not found; only built-in workflows are available', severity: 'warning' });
  } else {
    const files = [
      ...(await findClaudeCommands(workspace, problems)),
      ...(await findGithubPrompts(workspace, problems)),
    ];
    const parsed = await Promise.all(files.map((file) => loadWorkflowFile(workspace, file)));
    for (const result of parsed) {
      problems.push(...result.problems);
      if (result.workflow !== undefined) found.push(result.workflow);
    }
  }

  const workflows = resolveCollisions([...found, ...BUILTIN_WORKFLOWS], problems);
  workflows.sort((a, b) => compare(a.name, b.name));
  problems.sort((a, b) => compare(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  return { workflows, problems };
}

/** The workflow answering to `name`; a leading `/` (as typed in Claude Code or Copilot Chat) is ignored. */
export function findWorkflow(list: readonly Workflow[], name: string): Workflow | undefined {
  const wanted = name.trim().replace(/^\//, '');
  return list.find((workflow) => workflow.name === wanted);
}

async function findClaudeCommands(workspace: string, problems: WorkflowProblem[]): Promise<WorkflowFile[]> {
  const files: WorkflowFile[] = [];
  const walk = async (relativeDir: string, depth: number): Promise<void> => {
    const entries = await listDirectory(workspace, relativeDir, problems);
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const relative = `${relativeDir}/${entry.name}`;
      const kind = await entryKind(workspace, relative, entry);
      if (kind === 'directory') {
        if (depth >= MAX_DEPTH) {
          problems.push({ file: relative, message: `folders nested deeper than ${MAX_DEPTH} levels are not searched`, severity: 'warning' });
        } else {
          await walk(relative, depth + 1);
        }
      } else if (kind === 'file' && entry.name.endsWith('.md')) {
        const name = relative.slice(CLAUDE_COMMANDS_DIR.length + 1, -'.md'.length).split('/').join(':');
        addFile(files, { path: relative, source: 'claude-command', name }, problems);
      }
    }
  };
  await walk(CLAUDE_COMMANDS_DIR, 0);
  return files;
}

async function findGithubPrompts(workspace: string, problems: WorkflowProblem[]): Promise<WorkflowFile[]> {
  const files: WorkflowFile[] = [];
  for (const entry of await listDirectory(workspace, GITHUB_PROMPTS_DIR, problems)) {
    if (entry.name.startsWith('.') || !entry.name.endsWith(GITHUB_PROMPT_SUFFIX)) continue;
    const relative = `${GITHUB_PROMPTS_DIR}/${entry.name}`;
    if ((await entryKind(workspace, relative, entry)) !== 'file') continue;
    addFile(files, { path: relative, source: 'github-prompt', name: entry.name.slice(0, -GITHUB_PROMPT_SUFFIX.length) }, problems);
  }
  return files;
}

function addFile(files: WorkflowFile[], file: WorkflowFile, problems: WorkflowProblem[]): void {
  if (!file.name.split(':').every((segment) => NAME_SEGMENT.test(segment))) {
    problems.push({
      file: file.path,
      message: `the name "${file.name}" it would get has characters other than letters, digits, ".", "_" and "-"; rename the file to use it`,
      severity: 'error',
    });
  } else if (files.length >= MAX_FILES) {
    if (files.length === MAX_FILES) {
      problems.push({ file: file.path, message: `more than ${MAX_FILES} workflow files; the rest are not loaded`, severity: 'warning' });
    }
  } else {
    files.push(file);
  }
}

async function loadWorkflowFile(workspace: string, file: WorkflowFile): Promise<ReturnType<typeof parseWorkflowFile>> {
  try {
    // Its real path, links followed, must stay in the workspace: a cloned repository's `review.md -> ~/.ssh/id_rsa`
    // would otherwise become a prompt sent to the API.
    const absolute = await realPathInWorkspace(workspace, file.path);
    const { size } = await stat(absolute);
    // Checked before reading, so a huge file is never pulled into memory just to be refused.
    if (size > MAX_WORKFLOW_FILE_BYTES) {
      return {
        problems: [{ file: file.path, message: `is ${size} bytes; workflow files are limited to ${MAX_WORKFLOW_FILE_BYTES} bytes, so it was skipped`, severity: 'error' }],
      };
    }
    return parseWorkflowFile(file, await readFile(absolute));
  } catch (error) {
    if (error instanceof OutsideWorkspaceError) {
      return { problems: [{ file: file.path, message: `${error.reason}; workflow files must be inside it, so it was not read`, severity: 'error' }] };
    }
    return { problems: [{ file: file.path, message: `cannot be read: ${describeError(error)}`, severity: 'error' }] };
  }
}

async function listDirectory(workspace: string, relativeDir: string, problems: WorkflowProblem[]): Promise<Dirent[]> {
  try {
    // A linked-in folder is listed only when its real path is inside the workspace too.
    const entries = await readdir(await realPathInWorkspace(workspace, relativeDir), { withFileTypes: true });
    return entries.sort((a, b) => compare(a.name, b.name));
  } catch (error) {
    if (error instanceof OutsideWorkspaceError) {
      problems.push({ file: relativeDir, message: `${error.reason}; workflow files must be inside it, so none in it were read`, severity: 'error' });
      return [];
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      problems.push({ file: relativeDir, message: `cannot be listed: ${describeError(error)}`, severity: 'error' });
    }
    return [];
  }
}

/**
 * Symlinks are followed (a shared commands folder is often linked in) as long as they stay in the workspace, which
 * listDirectory and loadWorkflowFile check; the depth bound stops loops.
 */
async function entryKind(workspace: string, relative: string, entry: Dirent): Promise<'file' | 'directory' | 'other'> {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const target = await stat(path.join(workspace, relative));
    if (target.isFile()) return 'file';
    return target.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'other';
  }
}

function resolveCollisions(candidates: readonly Workflow[], problems: WorkflowProblem[]): Workflow[] {
  const byName = new Map<string, Workflow[]>();
  for (const workflow of candidates) byName.set(workflow.name, [...(byName.get(workflow.name) ?? []), workflow]);

  const resolved: Workflow[] = [];
  const taken = new Set(byName.keys());
  for (const [name, group] of byName) {
    group.sort((a, b) => PRECEDENCE.indexOf(a.source) - PRECEDENCE.indexOf(b.source));
    const [winner, ...losers] = group as [Workflow, ...Workflow[]];
    resolved.push(winner);
    for (const loser of losers) {
      const qualified = `${QUALIFIER[loser.source]}:${name}`;
      const where = winner.filePath ?? 'the built-in workflows';
      const reported = loser.filePath ?? winner.filePath ?? name;
      if (taken.has(qualified)) {
        problems.push({
          file: reported,
          message: `"${name}" is also defined by ${where}, which takes the name, and "${qualified}" is taken too; this ${describeSource(loser.source)} cannot be run until one is renamed`,
          severity: 'error',
        });
        continue;
      }
      taken.add(qualified);
      resolved.push({ ...loser, name: qualified });
      problems.push({
        file: reported,
        message:
          loser.source === 'builtin'
            ? `"${name}" overrides the built-in workflow of that name; the built-in stays available as "${qualified}"`
            : `"${name}" is also defined by ${where}, which takes the name; this ${describeSource(loser.source)} is available as "${qualified}"`,
        severity: 'warning',
      });
    }
  }
  return resolved;
}

function describeSource(source: WorkflowSource): string {
  return source === 'github-prompt' ? 'prompt file' : source === 'builtin' ? 'built-in workflow' : 'command file';
}

async function isDirectory(folder: string): Promise<boolean> {
  try {
    return (await stat(folder)).isDirectory();
  } catch {
    return false;
  }
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
