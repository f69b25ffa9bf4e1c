import { open, rm, stat } from 'node:fs/promises';
import { LedgerLockTimeoutError } from './errors';

export interface LedgerFileLockOptions {
  /** Give up after this long; default 5000 ms. */
  timeoutMs?: number;
  /** A lock file older than this was left by a process that died mid-merge; default 30000 ms. */
  staleMs?: number;
}

/**
 * Runs `work` while holding `<file>.lock`, created exclusively (O_EXCL), so one process at a time reads, adds
 * to and rewrites the ledger: without it two processes merging at once would each drop the other's delta.
 */
export async function withLedgerFileLock<T>(file: string, work: () => Promise<T>, options: LedgerFileLockOptions = {}): Promise<T> {
  const lockFile = `${file}.lock`;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const staleMs = options.staleMs ?? 30_000;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = await stat(lockFile).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    if (age > staleMs) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() - started > timeoutMs) throw new LedgerLockTimeoutError(lockFile, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 + attempt * 2)));
  }
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}
