import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One file a commit changed: its content id and size, or that it was deleted. */
export interface HistoryFile {
  path: string;
  /** Content id (the blob id, or a prefix of it); absent when deleted. */
  blob?: string;
  bytes?: number;
  lines?: number;
  deleted?: boolean;
}

export interface HistoryCommit {
  commit: string;
  /** Unix seconds. */
  time: number;
  /** Anonymised author (`dev1`, `dev2`, …). */
  author: string;
  files: HistoryFile[];
}

/** An edit history: no source text, only which files changed when, by whom, to what content id and size. */
export interface EditHistory {
  /** Where it came from, as the report names it. */
  source: string;
  history: HistoryCommit[];
}

/**
 * The shared real history, read in place (third-party data: never copied into the project), relative to the
 * repository: `../shared/traces/bentocache-history.json`.
 */
export function sharedHistoryFile(root: string): string {
  return path.resolve(root, '..', 'shared', 'traces', 'bentocache-history.json');
}

/**
 * The history the replay uses: `--history DIR` extracts one from that git repository; otherwise the shared trace
 * when it is there, else this repository's own history.
 */
export async function loadEditHistory(root: string, historyDir?: string): Promise<EditHistory> {
  if (historyDir === undefined && existsSync(sharedHistoryFile(root))) {
    return parseHistory(JSON.parse(await readFile(sharedHistoryFile(root), 'utf8')) as unknown);
  }
  return extractGitHistory(historyDir ?? root);
}

/** Checks the shape of a history file (`{source, commits, history: [...]}`) and returns it typed. */
export function parseHistory(raw: unknown): EditHistory {
  const record = raw as { source?: unknown; history?: unknown };
  if (typeof record !== 'object' || record === null || !Array.isArray(record.history)) throw new Error('edit history: no history array');
  const history = (record.history as unknown[]).map((entry, index): HistoryCommit => {
    const commit = entry as Partial<HistoryCommit>;
    if (typeof commit.commit !== 'string' || typeof commit.time !== 'number' || typeof commit.author !== 'string' || !Array.isArray(commit.files)) {
      throw new Error(`edit history: commit ${index} lacks commit, time, author or files`);
    }
    for (const file of commit.files) {
      if (typeof file.path !== 'string') throw new Error(`edit history: commit ${commit.commit} has a file without a path`);
      if (!file.deleted && (typeof file.blob !== 'string' || typeof file.bytes !== 'number')) {
        throw new Error(`edit history: ${commit.commit} ${file.path} lacks blob or bytes`);
      }
    }
    return { commit: commit.commit, time: commit.time, author: commit.author, files: commit.files };
  });
  history.sort((a, b) => a.time - b.time);
  return { source: typeof record.source === 'string' ? record.source : 'edit history', history };
}

/**
 * The first-parent history of a git repository's `.ts` files, oldest first: per commit its time, an anonymised
 * author and, per file it changed, the blob id and size (lines estimated from bytes: counting them would mean
 * reading every blob). `git log --diff-merges=first-parent` shows a merge as its change against the first parent.
 */
export async function extractGitHistory(repository: string): Promise<EditHistory> {
  const git = async (args: string[], input?: string): Promise<string> => {
    if (input === undefined) return (await run('git', ['-C', repository, ...args], { maxBuffer: 256 * 1024 * 1024 })).stdout;
    return new Promise((resolve, reject) => {
      const child = execFile('git', ['-C', repository, ...args], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
      child.stdin?.end(input);
    });
  };
  const log = await git(['log', '--first-parent', '--diff-merges=first-parent', '--reverse', '--raw', '--no-abbrev', '--no-renames', '--format=@%H %at %ae', '--', '*.ts']);
  const authors = new Map<string, string>();
  const commits: HistoryCommit[] = [];
  for (const line of log.split('\n')) {
    if (line.startsWith('@')) {
      const [hash = '', time = '0', email = ''] = line.slice(1).split(' ');
      if (!authors.has(email)) authors.set(email, `dev${authors.size + 1}`);
      commits.push({ commit: hash.slice(0, 12), time: Number(time), author: authors.get(email) as string, files: [] });
      continue;
    }
    const raw = /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) (\w)\d*\t(.+)$/.exec(line);
    const current = commits[commits.length - 1];
    if (!raw || !current) continue;
    const [, blob = '', status, file = ''] = raw;
    current.files.push(status === 'D' ? { path: file, deleted: true } : { path: file, blob });
  }
  const blobs = [...new Set(commits.flatMap((commit) => commit.files.flatMap((file) => (file.blob ? [file.blob] : []))))];
  const sizes = new Map<string, number>();
  if (blobs.length > 0) {
    const checked = await git(['cat-file', '--batch-check=%(objectname) %(objectsize)'], `${blobs.join('\n')}\n`);
    for (const line of checked.split('\n')) {
      const [id, size] = line.split(' ');
      if (id && size) sizes.set(id, Number(size));
    }
  }
  for (const commit of commits) {
    for (const file of commit.files) {
      if (!file.blob) continue;
      const bytes = sizes.get(file.blob) ?? 0;
      file.bytes = bytes;
      file.lines = Math.max(1, Math.round(bytes / 36));
      file.blob = file.blob.slice(0, 12);
    }
  }
  return { source: `git history of ${path.basename(path.resolve(repository))}, first parent, .ts files`, history: commits.filter((commit) => commit.files.length > 0) };
}
