import { CacheError } from '../errors';

/** The SurrealDB server (or the owner of a shared embedded directory) refused the credentials or access token. */
export class SurrealAuthError extends CacheError {
  readonly code = 'E_SURREAL_AUTH';
  readonly tier = 'surreal';
}

/** Nothing answered at the SurrealDB URL (refused, unknown host, TLS failure, no answer in time). */
export class SurrealUnreachableError extends CacheError {
  readonly code = 'E_SURREAL_UNREACHABLE';
  readonly tier = 'surreal';
}

/** The server rejected the namespace or database (missing, not allowed for this user, malformed). */
export class SurrealNamespaceError extends CacheError {
  readonly code = 'E_SURREAL_NAMESPACE';
  readonly tier = 'surreal';
}

/** An embedded directory is locked by another process that does not share it (or has not published how yet). */
export class SurrealDirectoryBusyError extends CacheError {
  readonly code = 'E_SURREAL_DIRECTORY_BUSY';
  readonly tier = 'surreal';
}
