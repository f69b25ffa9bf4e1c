import { describeError, type CacheError } from '../errors';
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
