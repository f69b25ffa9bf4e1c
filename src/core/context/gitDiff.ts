import { childProcessModule } from '../lazy/lazyModules';
import { ContextTooLargeError, GitCommandError, NotAGitRepositoryError } from './errors';
import { GIT_DIFF_PART_ID } from './snapshot';

/** The empty tree of each object format: what a repository without commits is diffed against. */
const EMPTY_TREE: Record<string, string> = {
  sha1: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  sha256: '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
};

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * The workspace's uncommitted changes as one text: `git diff HEAD` (staged and unstaged, scoped to the
 * workspace folder, paths relative to it) followed by the names of untracked files. Names only, because
 * that is all a prompt built from it shows.
 */
export async function readGitDiff(workspace: string, maxBytes: number): Promise<string> {
  const inside = await git(workspace, ['rev-parse', '--is-inside-work-tree'], maxBytes);
  if (!inside.ok || inside.stdout.trim() !== 'true') {
    if (/not a git repository/i.test(inside.stderr) || inside.stdout.trim() === 'false') {
      throw new NotAGitRepositoryError(workspace);
    }
    throw new GitCommandError(`git refused ${workspace}: ${firstLine(inside.stderr)}`);
  }

  const base = await diffBase(workspace, maxBytes);
  const diff = await git(
    workspace,
    ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--relative', base],
    maxBytes,
  );
  if (!diff.ok) throw new GitCommandError(`git diff failed in ${workspace}: ${firstLine(diff.stderr)}`);

  const untracked = await git(workspace, ['ls-files', '--others', '--exclude-standard', '-z'], maxBytes);
  if (!untracked.ok) throw new GitCommandError(`git ls-files failed in ${workspace}: ${firstLine(untracked.stderr)}`);
  const names = untracked.stdout.split('\0').filter((name) => name.length > 0).sort();

  let text = diff.stdout;
  if (names.length > 0) text += `${text.length > 0 ? '\n' : ''}Untracked files:\n${names.map((n) => `  ${n}\n`).join('')}`;
  const size = Buffer.byteLength(text);
  if (size > maxBytes) throw new ContextTooLargeError(GIT_DIFF_PART_ID, size, maxBytes);
  return text;
}

async function diffBase(workspace: string, maxBytes: number): Promise<string> {
  const head = await git(workspace, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], maxBytes);
  if (head.ok) return 'HEAD';
  const format = await git(workspace, ['rev-parse', '--show-object-format'], maxBytes);
  const tree = EMPTY_TREE[format.stdout.trim()];
  if (!format.ok || tree === undefined) {
    throw new GitCommandError(`cannot tell the object format of ${workspace}: ${firstLine(format.stderr)}`);
  }
  return tree;
}

function git(cwd: string, args: string[], maxBytes: number): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    childProcessModule().execFile(
      'git',
      ['-c', 'core.quotePath=false', ...args],
      {
        cwd,
        encoding: 'utf8',
        // One byte of slack beyond the limit tells "exactly at the limit" from "over it".
        maxBuffer: maxBytes + 1,
        windowsHide: true,
        // Optional locks off: reading a diff must never take index.lock from under the user's own git.
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ ok: true, stdout, stderr });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new GitCommandError('git is not installed or not on PATH', { cause: error }));
        } else if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          reject(new ContextTooLargeError(GIT_DIFF_PART_ID, undefined, maxBytes));
        } else if (typeof error.code === 'number') {
          resolve({ ok: false, stdout, stderr });
        } else {
          reject(new GitCommandError(`git ${args[0]} failed: ${error.message}`, { cause: error }));
        }
      },
    );
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
