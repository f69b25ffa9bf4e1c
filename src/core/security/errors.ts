import { CacheError } from '../errors';

/** The encryption key is missing where required, or is not 32 bytes of base64 or hex. */
export class EncryptionKeyError extends CacheError {
  readonly code = 'E_ENCRYPTION_KEY';
}

/**
 * The Redis namespace holds values sealed with a key this process does not have (it has none, or another one):
 * it leaves the namespace alone rather than write readable values into it or overwrite the team's entries.
 */
export class EncryptedNamespaceError extends CacheError {
  readonly code = 'E_ENCRYPTED_NAMESPACE';
}
