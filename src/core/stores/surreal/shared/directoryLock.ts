import { readFile, stat } from 'node:fs/promises';

/**
 * Whether a process other than this one holds a lock on `lockFile`, from /proc/locks (Linux); undefined when that
 * cannot be known. The pid written inside LOCK is no guide: an opener rewrites it before it waits for the lock.
 */
export async function lockedByAnotherProcess(lockFile: string): Promise<boolean | undefined> {
  let inode: number;
  try {
    inode = (await stat(lockFile)).ino;
  } catch {
    return false;
  }
  let table: string;
  try {
    table = await readFile('/proc/locks', 'utf8');
  } catch {
    return undefined;
  }
  // "1: FLOCK  ADVISORY  WRITE 7746 fe:00:2147748 0 EOF"; waiters are listed as "1: -> FLOCK ...".
  return table.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === '->' || fields.length < 6) return false;
    return fields[5]?.split(':')[2] === String(inode) && Number(fields[4]) !== process.pid;
  });
}

/** Kept here for callers that import it with the lock check; it lives with the rest of process identity. */
export { processAlive } from '../../../io/processIdentity';
