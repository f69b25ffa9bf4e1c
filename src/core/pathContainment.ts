import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { CacheError } from './errors';

/**
 * A file a workflow would read lies outside the workspace once its symbolic links are followed: refused, so a
 * cloned repository cannot have `~/.ssh/id_rsa` or `/etc/passwd` read and sent to the API through a link.
 */
export class OutsideWorkspaceError extends CacheError {
  readonly code = 'E_OUTSIDE_WORKSPACE';

  constructor(
    /** The path as the caller named it. */
    readonly shown: string,
    readonly workspace: string,
    /** Where it really leads, links followed. */
    readonly resolved: string,
    /** What is wrong, phrased to follow the path: "leads through a symbolic link to ..., outside the workspace ...". */
    readonly reason: string,
  ) {
    super(`${shown} ${reason}; only files inside the workspace are read`);
  }
}

/** Whether `candidate` is `folder` or lies below it. Lexical: both must already be absolute real paths. */
export function isInsideFolder(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  if (relative === '') return true;
  // `..` alone or as the first segment leaves the folder; `..foo` is an ordinary name. Another drive is absolute.
  return !path.isAbsolute(relative) && relative !== '..' && !relative.startsWith(`..${path.sep}`);
}

/**
 * The real path of `target` (absolute, or relative to `workspace`) when it lies inside the workspace with every
 * symbolic link of both followed; OutsideWorkspaceError otherwise. Links are resolved BEFORE the comparison: a
 * lexical check alone passes `src/notes.md -> /etc/passwd`. Callers then read the returned real path, not the
 * link, so the link cannot be re-pointed between check and read. Errors of realpath itself (ENOENT, EACCES)
 * propagate unchanged, so callers keep their own "no such file" handling.
 *
 * fs.promises.realpath resolves `.`, `..` and links like realpath(3) (https://nodejs.org/api/fs.html#fspromisesrealpathpath-options);
 * it does not fold case on case-insensitive file systems, which is why the workspace goes through it too.
 */
export async function realPathInWorkspace(workspace: string, target: string, shown: string = target): Promise<string> {
  const absolute = path.resolve(workspace, target);
  const [realWorkspace, real] = await Promise.all([realpath(workspace), realpath(absolute)]);
  if (isInsideFolder(realWorkspace, real)) return real;
  const lexicallyInside = isInsideFolder(path.resolve(workspace), absolute);
  const reason = lexicallyInside
    ? `leads through a symbolic link to ${real}, outside the workspace ${workspace}`
    : `is outside the workspace ${workspace}`;
  throw new OutsideWorkspaceError(shown, workspace, real, reason);
}
