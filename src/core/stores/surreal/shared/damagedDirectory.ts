import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { lockedByAnotherProcess } from './directoryLock';
import { holdsDirectory, isDirectoryUrl } from '../surrealConnection';
import { SurrealDirectoryDamagedError } from '../surrealErrors';

/**
 * Moves an embedded SurrealDB directory to `<dir>.damaged-<time>` after an open failed, and only when that
 * failure was SurrealDirectoryDamagedError: SurrealDB itself found the files unreadable, twice, on opens that held
 * the lock (see SharedSurrealDirectory). A busy lock, a timeout or an owner that does not answer never moves
 * anything, and neither does a lock held right now by this process or another one, or a platform where locks
 * cannot be seen (no /proc/locks). Returns the new path, or undefined when it stays where it is.
 */
export async function moveDamagedDirectoryAside(url: string, failure: unknown): Promise<string | undefined> {
  if (!(failure instanceof SurrealDirectoryDamagedError) || !isDirectoryUrl(url)) return undefined;
  const directory = url.replace(/^[a-z+]+:\/\//i, '').replace(/\/+$/, '');
  if (holdsDirectory(url)) return undefined;
  if ((await lockedByAnotherProcess(join(directory, 'LOCK'))) !== false) return undefined;
  const target = `${directory}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(directory, target);
    return target;
  } catch {
    return undefined;
  }
}
