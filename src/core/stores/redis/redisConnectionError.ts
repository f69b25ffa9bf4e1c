import { describeError } from '../../errors';

/**
 * Redis's replies to a missing or wrong password (classic AUTH and ACL users alike): "NOAUTH Authentication
 * required." before any login, "WRONGPASS invalid username-password pair or user is disabled." for a refused one.
 * https://redis.io/docs/latest/develop/reference/errors/common/noauth/ ,
 * https://redis.io/docs/latest/develop/reference/errors/common/wrongpass/ (checked 2026-12-06)
 */
const AUTH_REFUSED = /^(WRONGPASS|NOAUTH)\b/;

/**
 * Socket errors that mean nothing answers at that address, with what to tell the user. Node's system errors carry
 * `code`, and `address` / `port` for a failed network connection:
 * https://nodejs.org/download/nightly/v28.0.0-nightly2026112902cca56648/docs/api/errors/SystemError.html
 */
const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'host not found',
  ETIMEDOUT: 'connection timed out',
};

/**
 * Why a Redis connection failed, for a message a user acts on: a refused login names where the password comes
 * from; a refused socket names the address ("connection refused at 127.0.0.1:6390"). Redis never echoes the
 * password, and neither does this.
 */
export function describeRedisError(error: unknown): string {
  const text = describeError(error);
  if (AUTH_REFUSED.test(text)) {
    return (
      'Redis refused the login: check the user in the Redis URL and the password ' +
      `(CLAUDE_CACHE_REDIS_PASSWORD or the stored Redis password) (${text})`
    );
  }
  const socket = error as { code?: unknown; address?: unknown; port?: unknown } | null;
  const what = typeof socket?.code === 'string' ? UNREACHABLE[socket.code] : undefined;
  if (what === undefined) return text;
  const where = typeof socket?.address === 'string' ? ` at ${socket.address}${typeof socket.port === 'number' ? `:${socket.port}` : ''}` : '';
  return `${what}${where}`;
}

/** Whether Redis refused the login (a setting to fix, not an outage to wait out). */
export function isRedisAuthRefusal(error: unknown): boolean {
  return AUTH_REFUSED.test(describeError(error));
}
