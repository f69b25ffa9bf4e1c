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

/**
 * The ledger file could not be read as a ledger; it was set aside and the totals were taken from the backup copy
 * written with the last save, so the day's spend (and the budget with it) carries on.
 */
export class LedgerRestoredError extends CacheError {
  readonly code = 'E_LEDGER_RESTORED';

  constructor(
    readonly filePath: string,
    readonly reason: string,
    readonly movedTo: string | undefined,
    readonly backupPath: string,
  ) {
    super(
      `The cost ledger at ${filePath} is unreadable (${reason}); its totals were restored from ${backupPath}, written with the last save` +
        (movedTo ? `, and the unreadable file was kept as ${movedTo}.` : '.'),
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
