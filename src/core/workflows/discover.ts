import type { Dirent } from 'node:fs';
import { readFile, readdir, stat } from '../io/fileOps';
import { homedir } from 'node:os';
import path from 'node:path';
import { describeError } from '../errors';
import { OutsideWorkspaceError, realPathInWorkspace } from '../pathContainment';
import { BUILTIN_WORKFLOWS } from './builtins';
import type { WorkflowFile } from './workflowFile';
import { MAX_WORKFLOW_FILE_BYTES, parseWorkflowFile } from './workflowFile';
import type { Workflow, WorkflowProblem, WorkflowSource } from './workflow';

export const CLAUDE_COMMANDS_DIR = '.claude/commands';
export const CLAUDE_SKILLS_DIR = '.claude/skills';
export const GITHUB_PROMPTS_DIR = '.github/prompts';
const GITHUB_PROMPT_SUFFIX = '.prompt.md';
const SKILL_FILE = 'SKILL.md';

/** Bounds on the walk, so a mistaken symlink or a generated folder cannot stall discovery. */
const MAX_DEPTH = 8;
const MAX_FILES = 1000;

/** One segment of a workflow name: it becomes part of cache keys and CLI arguments. */
const NAME_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Which definition keeps a name when several have it, first wins. Claude Code's order
 * (https://code.claude.com/docs/en/skills, "Where skills live": personal overrides project, and "if a skill and a
 * command share the same name, the skill takes precedence", seen 2026-12-06): the user's skills, the user's
 * commands, the project's skills, the project's commands. A Claude file shadowed this way is not runnable, as in
 * Claude Code, and is reported. Then ours: prompt files, then built-ins; those stay reachable as `github:<name>`
 * and `builtin:<name>`, so a team can replace `review-file` and still run the original.
 */
const RANK = ['user claude-skill', 'user claude-command', 'claude-skill', 'claude-command', 'github-prompt', 'builtin'];
const QUALIFIER: Partial<Record<WorkflowSource, string>> = { 'github-prompt': 'github', builtin: 'builtin' };

export interface DiscoveredWorkflows {
  /** Built-ins and files, sorted by name, names unique. */
  workflows: Workflow[];
  /** Sorted by file, then line. */
  problems: WorkflowProblem[];
}

export interface DiscoverOptions {
  /**
   * The user's Claude folder, whose `commands/` and `skills/` hold personal workflows. Default: the
   * CLAUDE_CONFIG_DIR environment variable (Claude Code's own override of that folder), else `~/.claude`.
   * `null`: no user-level workflows (tests, and callers that want only the workspace).
   */
  userClaudeDir?: string | null;
}

/** A folder workflow files are read from: the workspace, or the user's Claude folder. */
interface Root {
  /** Absolute; files and links must stay inside it. */
  dir: string;
  /** Prefix of the paths files are reported with: '' in the workspace, `~/.claude/` for the user's folder. */
  shown: string;
  /** Where `commands/` and `skills/` are, relative to dir. */
  claude: string;
  scope?: 'user';
}

/** A file found on disk, with where to read it from. */
interface FoundFile extends WorkflowFile {
  root: Root;
  relative: string;
}

/**
 * Built-in workflows plus, in the workspace, `.claude/skills/*\/SKILL.md`, `.claude/commands/**\/*.md` and
 * `.github/prompts/*.prompt.md`, and the same Claude folders in the user's Claude folder.
 * A broken file is reported and skipped; the rest still load.
 */
export async function discoverWorkflows(workspaceDir: string, options: DiscoverOptions = {}): Promise<DiscoveredWorkflows> {
  const workspace = path.resolve(workspaceDir);
  const problems: WorkflowProblem[] = [];
  const files: FoundFile[] = [];

  const userDir = options.userClaudeDir === undefined ? defaultUserClaudeDir() : options.userClaudeDir;
  if (userDir !== null && (await isDirectory(userDir))) {
    const root: Root = { dir: path.resolve(userDir), shown: userShown(userDir), claude: '', scope: 'user' };
    files.push(...(await findSkills(root, problems)), ...(await findClaudeCommands(root, problems)));
  }
  if (!(await isDirectory(workspace))) {
    problems.push({ file: workspaceDir, message: 'workspace folder not found; only built-in and personal workflows are available', severity: 'warning' });
  } else {
    const root: Root = { dir: workspace, shown: '', claude: '.claude/' };
    files.push(
      ...(await findSkills(root, problems)),
      ...(await findClaudeCommands(root, problems)),
      ...(await findGithubPrompts(root, problems)),
    );
  }

  const found: Workflow[] = [];
  const parsed = await Promise.all(files.slice(0, MAX_FILES).map((file) => loadWorkflowFile(file)));
  if (files.length > MAX_FILES) {
    problems.push({ file: files[MAX_FILES]?.path ?? workspaceDir, message: `more than ${MAX_FILES} workflow files; the rest are not loaded`, severity: 'warning' });
  }
  for (const result of parsed) {
    problems.push(...result.problems);
    if (result.workflow !== undefined) found.push(result.workflow);
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

/**
 * CLAUDE_CONFIG_DIR moves Claude Code's whole configuration folder (its documented environment variable,
 * https://code.claude.com/docs/en/settings "Environment variables", seen 2026-12-06); otherwise `~/.claude`.
 */
export function defaultUserClaudeDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.CLAUDE_CONFIG_DIR?.trim();
  return configured ? path.resolve(configured) : path.join(homedir(), '.claude');
}

function userShown(userDir: string): string {
  const resolved = path.resolve(userDir);
  if (resolved === path.join(homedir(), '.claude')) return '~/.claude/';
  return `${resolved.split(path.sep).join('/')}/`;
}

/** Commands: every `.md` under `commands/`, a subfolder adding a `folder:` prefix (`frontend/lint.md` is `frontend:lint`). */
async function findClaudeCommands(root: Root, problems: WorkflowProblem[]): Promise<FoundFile[]> {
  const files: FoundFile[] = [];
  const base = `${root.claude}commands`;
  const walk = async (relativeDir: string, depth: number): Promise<void> => {
    const entries = await listDirectory(root, relativeDir, problems);
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const relative = `${relativeDir}/${entry.name}`;
      const kind = await entryKind(root, relative, entry);
      if (kind === 'directory') {
        if (depth >= MAX_DEPTH) {
          problems.push({ file: root.shown + relative, message: `folders nested deeper than ${MAX_DEPTH} levels are not searched`, severity: 'warning' });
        } else {
          await walk(relative, depth + 1);
        }
      } else if (kind === 'file' && entry.name.endsWith('.md')) {
        const name = relative.slice(base.length + 1, -'.md'.length).split('/').join(':');
        addFile(files, found(root, relative, 'claude-command', name), problems);
      }
    }
  };
  await walk(base, 0);
  return files;
}

/** Skills: `skills/<folder>/SKILL.md`, named by the folder until its `name:` field says otherwise. */
async function findSkills(root: Root, problems: WorkflowProblem[]): Promise<FoundFile[]> {
  const files: FoundFile[] = [];
  const base = `${root.claude}skills`;
  for (const entry of await listDirectory(root, base, problems)) {
    if (entry.name.startsWith('.')) continue;
    const folder = `${base}/${entry.name}`;
    if ((await entryKind(root, folder, entry)) !== 'directory') continue;
    const skillFile = (await listDirectory(root, folder, problems)).find((candidate) => candidate.name === SKILL_FILE);
    if (skillFile === undefined) continue;
    const relative = `${folder}/${SKILL_FILE}`;
    if ((await entryKind(root, relative, skillFile)) !== 'file') continue;
    addFile(files, found(root, relative, 'claude-skill', entry.name), problems);
  }
  return files;
}

async function findGithubPrompts(root: Root, problems: WorkflowProblem[]): Promise<FoundFile[]> {
  const files: FoundFile[] = [];
  for (const entry of await listDirectory(root, GITHUB_PROMPTS_DIR, problems)) {
    if (entry.name.startsWith('.') || !entry.name.endsWith(GITHUB_PROMPT_SUFFIX)) continue;
    const relative = `${GITHUB_PROMPTS_DIR}/${entry.name}`;
    if ((await entryKind(root, relative, entry)) !== 'file') continue;
    addFile(files, found(root, relative, 'github-prompt', entry.name.slice(0, -GITHUB_PROMPT_SUFFIX.length)), problems);
  }
  return files;
}

function found(root: Root, relative: string, source: WorkflowFile['source'], name: string): FoundFile {
  const file: FoundFile = { path: root.shown + relative, source, name, root, relative };
  if (root.scope) file.scope = root.scope;
  return file;
}

function addFile(files: FoundFile[], file: FoundFile, problems: WorkflowProblem[]): void {
  if (!file.name.split(':').every((segment) => NAME_SEGMENT.test(segment))) {
    problems.push({
      file: file.path,
      message: `the name "${file.name}" it would get has characters other than letters, digits, ".", "_" and "-"; rename the ${file.source === 'claude-skill' ? 'folder' : 'file'} to use it`,
      severity: 'error',
    });
  } else {
    files.push(file);
  }
}

async function loadWorkflowFile(file: FoundFile): Promise<ReturnType<typeof parseWorkflowFile>> {
  const { root, relative, ...workflowFile } = file;
  try {
    // Its real path, links followed, must stay in its folder (the workspace, or the user's Claude folder): a cloned
    // repository's `review.md -> ~/.ssh/id_rsa` would otherwise become a prompt sent to the API.
    const absolute = await realPathInWorkspace(root.dir, relative);
    const { size } = await stat(absolute);
    // Checked before reading, so a huge file is never pulled into memory just to be refused.
    if (size > MAX_WORKFLOW_FILE_BYTES) {
      return {
        problems: [{ file: file.path, message: `is ${size} bytes; workflow files are limited to ${MAX_WORKFLOW_FILE_BYTES} bytes, so it was skipped`, severity: 'error' }],
      };
    }
    return parseWorkflowFile(workflowFile, await readFile(absolute));
  } catch (error) {
    if (error instanceof OutsideWorkspaceError) {
      return { problems: [{ file: file.path, message: `${error.reason}; workflow files must be inside it, so it was not read`, severity: 'error' }] };
    }
    return { problems: [{ file: file.path, message: `cannot be read: ${describeError(error)}`, severity: 'error' }] };
  }
}

async function listDirectory(root: Root, relativeDir: string, problems: WorkflowProblem[]): Promise<Dirent[]> {
  try {
    // A linked-in folder is listed only when its real path is inside the root too.
    const entries = await readdir(await realPathInWorkspace(root.dir, relativeDir), { withFileTypes: true });
    return entries.sort((a, b) => compare(a.name, b.name));
  } catch (error) {
    if (error instanceof OutsideWorkspaceError) {
      problems.push({ file: root.shown + relativeDir, message: `${error.reason}; workflow files must be inside it, so none in it were read`, severity: 'error' });
      return [];
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      problems.push({ file: root.shown + relativeDir, message: `cannot be listed: ${describeError(error)}`, severity: 'error' });
    }
    return [];
  }
}

/**
 * Symlinks are followed (a shared commands folder is often linked in) as long as they stay in the workspace, which
 * listDirectory and loadWorkflowFile check; the depth bound stops loops.
 */
async function entryKind(root: Root, relative: string, entry: Dirent): Promise<'file' | 'directory' | 'other'> {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const target = await stat(path.join(root.dir, relative));
    if (target.isFile()) return 'file';
    return target.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'other';
  }
}

function rank(workflow: Workflow): number {
  return RANK.indexOf(workflow.scope === 'user' ? `user ${workflow.source}` : workflow.source);
}

function resolveCollisions(candidates: readonly Workflow[], problems: WorkflowProblem[]): Workflow[] {
  const byName = new Map<string, Workflow[]>();
  for (const workflow of candidates) byName.set(workflow.name, [...(byName.get(workflow.name) ?? []), workflow]);

  const resolved: Workflow[] = [];
  const taken = new Set(byName.keys());
  for (const [name, group] of byName) {
    // Stable: two files of the same rank keep discovery order (path order), the first taking the name.
    group.sort((a, b) => rank(a) - rank(b));
    const [winner, ...losers] = group as [Workflow, ...Workflow[]];
    resolved.push(winner);
    for (const loser of losers) {
      const where = winner.filePath ?? 'the built-in workflows';
      const reported = loser.filePath ?? winner.filePath ?? name;
      const qualifier = QUALIFIER[loser.source];
      if (qualifier === undefined) {
        problems.push({
          file: reported,
          message: `"${name}" is also defined by ${where}, which takes the name (as in Claude Code: personal before project, a skill before a command); this ${describeSource(loser)} is shadowed and cannot be run`,
          severity: 'warning',
        });
        continue;
      }
      const qualified = `${qualifier}:${name}`;
      if (taken.has(qualified)) {
        problems.push({
          file: reported,
          message: `"${name}" is also defined by ${where}, which takes the name, and "${qualified}" is taken too; this ${describeSource(loser)} cannot be run until one is renamed`,
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
            : `"${name}" is also defined by ${where}, which takes the name; this ${describeSource(loser)} is available as "${qualified}"`,
        severity: 'warning',
      });
    }
  }
  return resolved;
}

function describeSource(workflow: Workflow): string {
  const personal = workflow.scope === 'user' ? 'personal ' : '';
  switch (workflow.source) {
    case 'github-prompt':
      return 'prompt file';
    case 'builtin':
      return 'built-in workflow';
    case 'claude-skill':
      return `${personal}skill`;
    case 'claude-command':
      return `${personal}command file`;
  }
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
