import { describeError, type CacheError } from '../../errors';
import { SurrealAuthError, SurrealNamespaceError, SurrealUnreachableError } from './surrealErrors';

/**
 * Turns what the SDK threw while connecting to a server into one typed error with a message a user can act on.
 * The SDK's own classes are matched by name, not instanceof: the SDK is loaded through import() and may be a
 * different module instance from any this file could import.
 */
export function classifySurrealConnectFailure(shownUrl: string, failure: unknown): CacheError | undefined {
  const text = describeError(failure);
  const name = failure instanceof Error ? failure.constructor.name : '';
  const kind = typeof failure === 'object' && failure !== null ? (failure as { kind?: unknown }).kind : undefined;
  const causeText = describeError((failure as { cause?: unknown } | null)?.cause ?? '');
  const all = `${text} ${causeText}`;
  if (/\b401\b/.test(all)) {
    return new SurrealAuthError(
      `${shownUrl} refused the access token (the shared directory's owner changed; a stale owner file?)`,
      { cause: failure },
    );
  }
  if (name === 'MissingNamespaceDatabaseError' || /(namespace|database) .*(does not exist|not found)|invalid (namespace|database)/i.test(all)) {
    return new SurrealNamespaceError(`${shownUrl} rejected the namespace or database: ${text}`, { cause: failure });
  }
  if (name === 'AuthenticationError' || kind === 'NotAllowed' || /authenticat|credentials|signin|not allowed/i.test(all)) {
    return new SurrealAuthError(
      `${shownUrl} refused the sign-in: check claudeCache.surreal.username and the SurrealDB password secret (${text})`,
      { cause: failure },
    );
  }
  if (name === 'UnexpectedConnectionError' || name === 'HttpConnectionError' || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|certificate|socket hang up|fetch failed/i.test(all)) {
    return new SurrealUnreachableError(`${shownUrl} is unreachable: ${text}${causeText && causeText !== text ? ` (${causeText})` : ''}`, {
      cause: failure,
    });
  }
  return undefined;
}

/** The text of an error and of every cause under it: the embedded engine's own words sit two causes down. */
function causeChainText(failure: unknown): string {
  const parts: string[] = [];
  let current: unknown = failure;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    parts.push(describeError(current));
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return parts.join(' | ');
}

/**
 * SurrealKV takes the directory's LOCK (an OS flock) first thing on open and fails at once when another process
 * holds it ("Database at …/LOCK is already locked by another process", seen with @surrealdb/node 3.0.3); see
 * https://github.com/surrealdb/surrealkv/pull/229. Such a failure says the directory is busy, never damaged.
 */
export function isDirectoryLockedFailure(failure: unknown): boolean {
  return /already locked|locked by another process|resource temporarily unavailable|while lock file/i.test(causeChainText(failure));
}

/**
 * What the embedded engine said when it found a directory's files unreadable, or undefined when the failure
 * is anything else. Only SurrealDB's own datastore errors about its files count ("There was a problem with the
 * datastore: Failed to load manifest: …", "… SSTable error: checksum verification failed …", "IO error: failed
 * to fill whole buffer" for a truncated manifest, all seen with @surrealdb/node 3.0.3): they come after the
 * engine holds the lock (https://github.com/surrealdb/surrealkv/pull/229), so no other process is writing the
 * files while they are read. A connection error, a timeout, a busy lock or an unknown failure never counts.
 */
export function reportedDirectoryDamage(failure: unknown): string | undefined {
  const text = causeChainText(failure);
  if (isDirectoryLockedFailure(failure)) return undefined;
  const engine = /There was a problem with the (datastore|key-value store)[^|]*/i.exec(text);
  if (!engine) return undefined;
  const damage = /corrupt|checksum|manifest|sstable|bad magic|invalid table|failed to fill whole buffer|unexpected end of file|No such file or directory/i;
  return damage.test(engine[0]) ? engine[0].trim() : undefined;
}
