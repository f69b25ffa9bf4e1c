import { CacheError } from '../../errors';

/** A failure of the SurrealDB tier, named as such so adapters can tell which tier to point at. */
export abstract class SurrealTierError extends CacheError {
  readonly tier = 'surreal';
}

/** The SurrealDB server (or the owner of a shared embedded directory) refused the credentials or access token. */
export class SurrealAuthError extends SurrealTierError {
  readonly code = 'E_SURREAL_AUTH';
}

/** Nothing answered at the SurrealDB URL (refused, unknown host, TLS failure, no answer in time). */
export class SurrealUnreachableError extends SurrealTierError {
  readonly code = 'E_SURREAL_UNREACHABLE';
}

/** The server rejected the namespace or database (missing, not allowed for this user, malformed). */
export class SurrealNamespaceError extends SurrealTierError {
  readonly code = 'E_SURREAL_NAMESPACE';
}

/** An embedded directory is locked by another process that does not share it (or has not published how yet). */
export class SurrealDirectoryBusyError extends SurrealTierError {
  readonly code = 'E_SURREAL_DIRECTORY_BUSY';
}

/**
 * SurrealDB itself reported an embedded directory's files unreadable, twice in a row, on opens that got past its
 * lock while no other process held it: the one failure for which moving the directory aside is right. Busy
 * locks, timeouts and a peer that does not answer are never reported as this.
 */
export class SurrealDirectoryDamagedError extends SurrealTierError {
  readonly code = 'E_SURREAL_DIRECTORY_DAMAGED';

  constructor(
    readonly directory: string,
    readonly engineMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`SurrealDB reports ${directory} damaged: ${engineMessage}`, options);
  }
}
