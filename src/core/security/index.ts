export { ENCRYPTION_KEY_BYTES, ENCRYPTION_KEY_ENV, parseEncryptionKey } from './encryptionKey';
export { EncryptionKeyError } from './errors';
export { redactingLogger } from './redactingLogger';
export { containsSecret, findSecrets, isSecretName, redactSecrets, valueContainsSecret, type SecretFinding } from './secretDetection';
export { SECRET_PATTERNS, type SecretKind, type SecretPattern } from './secretPatterns';
