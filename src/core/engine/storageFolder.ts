import { constants } from 'node:fs';
import { describeError } from '../errors';
import { access, mkdir } from '../io/fileOps';

/**
 * Why the storage folder cannot hold the cache's files (ledger, counters, embedded SurrealDB), or undefined when it
 * can. Writing a probe file is the only test that also holds for root, to whom permission bits do not apply.
 * Codes per https://nodejs.org/api/errors.html#common-system-errors (EACCES / EPERM / EROFS: not writable;
 * ENOTDIR: a part of the path is a file).
 */
export async function storageFolderProblem(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return `read-only: ${code}`;
    if (code === 'ENOTDIR' || code === 'EEXIST') return `not a folder: ${code}`;
    return describeError(error);
  }
}
