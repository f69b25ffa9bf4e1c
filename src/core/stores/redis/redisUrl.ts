import { ConfigError } from '../../errors';

/**
 * The Redis URL with a password from secret storage or the environment put in: settings hold the user and host
 * only, never the password. The password is percent-encoded, so `@`, `:` and `/` in it survive.
 */
export function redisUrlWithPassword(url: string, password: string | undefined): string {
  if (!password) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL itself is not secret, but it is not repeated either: a garbled one may hold a typed password.
    throw new ConfigError('redis.url', 'the Redis URL is not a valid URL, so the Redis password cannot be added to it');
  }
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
