import { InvalidKeyError } from '../errors';

/** Characters a stored key may contain: nothing a glob, a Redis pattern or SurrealQL could read as syntax. */
export const SAFE_KEY_CHARS = /^[A-Za-z0-9._:-]+$/;
/** A pattern is the safe set plus the two wildcards. */
const SAFE_PATTERN_CHARS = /^[A-Za-z0-9._:*?-]+$/;
export const MAX_KEY_LENGTH = 512;

export function assertSafeKey(key: string): string {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !SAFE_KEY_CHARS.test(key)) {
    throw new InvalidKeyError(`not a cache key: ${JSON.stringify(key.slice(0, 80))}`);
  }
  return key;
}

/**
 * Validates a user-typed invalidation pattern. Only `*` (any run) and `?` (one character) are wildcards;
 * anything outside the safe key space is refused rather than escaped, so a pattern can never match more
 * than the user could have meant.
 */
export function assertSafePattern(pattern: string): string {
  if (pattern.length === 0 || pattern.length > MAX_KEY_LENGTH || !SAFE_PATTERN_CHARS.test(pattern)) {
    throw new InvalidKeyError(
      `not a cache key pattern: ${JSON.stringify(pattern.slice(0, 80))} (letters, digits, . _ : - and the wildcards * ?)`,
    );
  }
  return pattern;
}

export function globToRegExp(pattern: string): RegExp {
  assertSafePattern(pattern);
  const body = pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
