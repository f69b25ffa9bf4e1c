import { describeError } from '../errors';
import { gitDiffPart } from './buildSnapshot';
import { checkFilePart, filePartId } from './filePart';
import { partMatchesItsHash, sha256 } from './hash';
import { checkReferences } from './referencePart';
import { assertShellCommandsMayRun, checkShellPart, uniqueCommands } from './shellPart';
import type { ChangedPart, ContextLimits, ContextPart, ContextSnapshot, SnapshotCheck } from './snapshot';
import { DEFAULT_CONTEXT_LIMITS } from './snapshot';

/** What the caller sees now, for the parts a snapshot cannot re-read by itself. */
export interface CurrentContext {
  /** The current selection; a snapshot with a selection part and none given here is not fresh. */
  selection?: string;
  /** The file the workflow would read now; when given and different from the snapshot's, that part differs. */
  filePath?: string;
  /**
   * The workflow's `` !`cmd` `` commands now. When given and not the snapshot's, the snapshot is stale and none
   * of its commands is run; when absent, the snapshot's own commands are re-run (subject to the policy below).
   */
  shellCommands?: readonly string[];
  /** The workflow's `allowed-tools` now: re-running a command to check it obeys the same rules as running it. */
  allowedTools?: readonly string[];
  /** Whether the workspace is trusted now; a snapshot with shell output is refused (thrown) when it is not. */
  trustedWorkspace?: boolean;
  /** The files the workflow's text references now; when given, a reference added, dropped or newly created is a change. */
  fileReferences?: readonly string[];
  limits?: Partial<ContextLimits>;
}

/**
 * Whether a snapshot still describes the workspace, and if not, which parts moved. Failures to re-read
 * (a repository gone, a permission change) count as changes: rebuilding the snapshot reports them properly.
 *
 * The freshness rule: a part is fresh only when the content it holds hashes to its recorded hash AND the
 * current content (the file's bytes, the selection, the git diff) hashes to that same hash. Metadata may only
 * prove a change (a file gone, no longer a file, another size), never that nothing changed. There is no fast
 * path on timestamps or inodes, because none of them can prove the bytes equal:
 * - mtime (and atime) are set by utimes(2), which is what `touch -r`, `cp -p`, `tar`, `rsync -t` call
 *   (https://nodejs.org/api/fs.html#stat-time-values: mtime is "changed by the mknod(2), utimes(2), and
 *   write(2) system calls").
 * - ctime cannot be set back through utimes on POSIX, but the kernel stamps it from a clock that ticks once a
 *   jiffy, so a same-size write in the tick of our read keeps it
 *   (https://www.kernel.org/doc/html/latest/filesystems/multigrain-ts.html). git calls this the "racy git"
 *   problem (https://github.com/git/git/blob/74b06e1a448fbe09d14f4ac6e1157cd0e013cfed/Documentation/technical/racy-git.txt).
 *   Filesystems with 1-2 s stamps (FAT, older HFS+, some network mounts) widen that window; a clock set back
 *   replays stamps; and on Windows the change time is a FILE_BASIC_INFO field that SetFileInformationByHandle
 *   writes (https://learn.microsoft.com/windows/win32/api/winbase/ns-winbase-file_basic_info).
 * - inode and device numbers are reused once a file is freed, so a rename over the file can land on the old
 *   number.
 * Hashing instead costs little: a snapshot reads one file of at most maxFileBytes (1 MiB), and the git diff it
 * may hold is re-run on every check anyway. Snapshots cached by older versions (with an `mtimeMs`, no other
 * metadata) therefore need nothing special: they are hashed like any other.
 *
 * Shell output can only be checked by running the command again: its output hashed as at build time is the only
 * proof `git status` still says the same (a command whose output changed is "output of `git status` changed").
 * That run obeys the rules of the first one (trusted workspace, allowed-tools), and a workflow that now runs other
 * commands is stale without running the old ones. A referenced file is checked like the file a workflow reads;
 * a reference that named no file is looked for again, so a file created since is a change.
 */
export async function checkSnapshot(snapshot: ContextSnapshot, current: CurrentContext = {}): Promise<SnapshotCheck> {
  const limits = { ...DEFAULT_CONTEXT_LIMITS, ...current.limits };
  const tampered: ChangedPart[] = [];
  const named: ContextPart[] = [];
  const references: ContextPart[] = [];
  const shell: ContextPart[] = [];
  for (const part of snapshot.parts) {
    // A snapshot comes back from a cache tier (possibly a shared one): the text a prompt would be built from must
    // be the text the hash vouches for, or a matching workspace would send whatever the cached copy holds.
    if (!partMatchesItsHash(part)) {
      tampered.push({ id: part.id, kind: part.kind, reason: 'differs', detail: 'the cached copy does not match its own hash' });
    } else if (part.kind === 'reference') references.push(part);
    else if (part.kind === 'shell') shell.push(part);
    else named.push(part);
  }
  const [namedResults, referenceChanges, shellChanges] = await Promise.all([
    Promise.all(named.map((part) => checkPart(snapshot.workspace, part, current, limits))),
    checkReferences(snapshot.workspace, references, current.fileReferences),
    checkShellParts(snapshot.workspace, shell, current, limits),
  ]);
  const changed = [
    ...tampered,
    ...namedResults.filter((result): result is ChangedPart => result !== undefined),
    ...referenceChanges,
    ...shellChanges,
  ];
  return { fresh: changed.length === 0, changed };
}

/**
 * Re-runs each command (in the order written) and compares its output: how a cached answer built on
 * `git status` learns the working tree moved. The run obeys the same rules as the first one: an untrusted
 * workspace or a command allowed-tools no longer allows throws, so nothing runs that a fresh build would refuse.
 */
async function checkShellParts(
  workspace: string,
  parts: readonly ContextPart[],
  current: CurrentContext,
  limits: ContextLimits,
): Promise<ChangedPart[]> {
  const held = parts.map((part) => part.id);
  if (current.shellCommands !== undefined) {
    const wanted = uniqueCommands(current.shellCommands);
    if (wanted.join('\u0000') !== held.join('\u0000')) {
      const added = wanted.filter((command) => !held.includes(command));
      const dropped = held.filter((command) => !wanted.includes(command));
      const detail = added.length > 0 ? `the workflow now runs \`${added[0]}\`` : dropped.length > 0 ? `the workflow no longer runs \`${dropped[0]}\`` : 'the workflow runs its commands in another order';
      return [{ id: added[0] ?? dropped[0] ?? held[0] ?? wanted[0] ?? '', kind: 'shell', reason: 'differs', detail }];
    }
  }
  if (parts.length === 0) return [];
  assertShellCommandsMayRun({ shellCommands: held, allowedTools: current.allowedTools ?? [], trustedWorkspace: current.trustedWorkspace === true });
  const changed: ChangedPart[] = [];
  for (const part of parts) {
    const change = await checkShellPart(workspace, part, limits);
    if (change) changed.push(change);
  }
  return changed;
}

async function checkPart(
  workspace: string,
  part: ContextPart,
  current: CurrentContext,
  limits: ContextLimits,
): Promise<ChangedPart | undefined> {
  switch (part.kind) {
    case 'selection': {
      if (current.selection === undefined) {
        return { id: part.id, kind: part.kind, reason: 'differs', detail: 'no current selection to compare' };
      }
      if (sha256(current.selection) === part.hash) return undefined;
      return { id: part.id, kind: part.kind, reason: 'differs', detail: 'the selection changed' };
    }
    case 'file': {
      if (current.filePath !== undefined) {
        const now = filePartId(workspace, current.filePath);
        if (now !== part.id) return { id: part.id, kind: part.kind, reason: 'differs', detail: `now reading ${now}` };
      }
      return checkFilePart(workspace, part);
    }
    case 'gitDiff': {
      try {
        const now = await gitDiffPart(workspace, limits.maxDiffBytes);
        if (now.hash === part.hash) return undefined;
        return { id: part.id, kind: part.kind, reason: 'differs', detail: 'the uncommitted changes differ' };
      } catch (error) {
        return { id: part.id, kind: part.kind, reason: 'differs', detail: describeError(error) };
      }
    }
    case 'reference':
    case 'shell':
      // Checked by kind in checkSnapshot, never here.
      return undefined;
  }
}
