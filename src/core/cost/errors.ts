import { CacheError } from '../errors';

/** The ledger file could not be read as a ledger; it was set aside and the ledger started over from zero. */
export class LedgerCorruptError extends CacheError {
  readonly code = 'E_LEDGER_CORRUPT';

  constructor(
    readonly filePath: string,
    readonly reason: string,
    readonly movedTo: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `The cost ledger at ${filePath} is unreadable (${reason}); totals start again from zero` +
        (movedTo ? ` and the old file was kept as ${movedTo}.` : '.'),
      options,
    );
  }
}

/** The ledger could not be saved; totals stay correct in memory and the next change tries again. */
export class LedgerPersistError extends CacheError {
  readonly code = 'E_LEDGER_PERSIST';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Another process held the ledger's lock file for longer than the merge may wait. */
export class LedgerLockTimeoutError extends CacheError {
  readonly code = 'E_LEDGER_LOCK_TIMEOUT';

  constructor(
    readonly lockFile: string,
    readonly timeoutMs: number,
  ) {
    super(`${lockFile} stayed locked for ${timeoutMs} ms (another process is saving the ledger, or left the lock behind)`);
  }
}
