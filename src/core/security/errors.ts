import { CacheError } from '../errors';

/** The encryption key is missing where required, or is not 32 bytes of base64 or hex. */
export class EncryptionKeyError extends CacheError {
  readonly code = 'E_ENCRYPTION_KEY';
}
