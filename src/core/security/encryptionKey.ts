import { EncryptionKeyError } from './errors';

/** The environment variable the CLI reads the encryption key from (the extension keeps it in SecretStorage). */
export const ENCRYPTION_KEY_ENV = 'CLAUDE_CACHE_ENCRYPTION_KEY';

/** AES-256 wants exactly this many key bytes. */
export const ENCRYPTION_KEY_BYTES = 32;

/**
 * Reads a 32-byte key written as 64 hex digits or as base64 (standard or URL-safe, padding optional). The
 * message of a refusal never repeats the text it was given: a key that is almost right is still a secret.
 */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  if (trimmed === '') throw new EncryptionKeyError(`${ENCRYPTION_KEY_ENV} is empty`);
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === ENCRYPTION_KEY_BYTES) return bytes;
    throw new EncryptionKeyError(
      `${ENCRYPTION_KEY_ENV} decodes to ${bytes.length} bytes; AES-256 needs ${ENCRYPTION_KEY_BYTES} ` +
        '(64 hex digits or 44 base64 characters, e.g. from `openssl rand -base64 32`)',
    );
  }
  throw new EncryptionKeyError(
    `${ENCRYPTION_KEY_ENV} is neither 64 hex digits nor base64 (${trimmed.length} characters); ` +
      'make one with `openssl rand -base64 32`',
  );
}
