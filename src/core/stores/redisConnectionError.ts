import { describeError } from '../errors';

/** Redis's replies to a missing or wrong password (classic AUTH and ACL users alike). */
const AUTH_REFUSED = /^(WRONGPASS|NOAUTH)\b/;

/**
 * Why a Redis connection failed, for a message a user acts on: a refused login names where the password comes
 * from. Redis never echoes the password, and neither does this.
 */
export function describeRedisError(error: unknown): string {
  const text = describeError(error);
  if (!AUTH_REFUSED.test(text)) return text;
  return (
    'Redis refused the login: check the user in the Redis URL and the password ' +
    `(CLAUDE_CACHE_REDIS_PASSWORD or the stored Redis password) (${text})`
  );
}
