import { decodeValue, encodeValue } from '../codec';
import { EncryptingCodec } from '../codec/encryptingCodec';
import type { CacheConfig } from '../config';
import { describeError } from '../errors';
import { parseEncryptionKey } from '../security/encryptionKey';
import type { ValueCodec } from '../tiered/tierTypes';

/** Values as the shared tiers hold them when nothing seals them. */
export const PLAIN_CODEC: ValueCodec = { encode: encodeValue, decode: decodeValue };

/**
 * The codec of the shared tiers: sealed when a key is given, plain when none is given and none is required,
 * or the reason the shared tiers must stay off (a required key is missing, or the given key is malformed).
 */
export function sharedTierCodec(config: CacheConfig, keyText: string | undefined): { codec: ValueCodec } | { plain: true } | { problem: string } {
  if (keyText === undefined || keyText.trim() === '') {
    if (!config.encryption.enabled) return { plain: true };
    return {
      problem:
        'claudeCache.encryption.enabled is on but no encryption key is set (secret storage in VS Code, CLAUDE_CACHE_ENCRYPTION_KEY for the CLI); the shared tiers stay off',
    };
  }
  try {
    return { codec: new EncryptingCodec(PLAIN_CODEC, parseEncryptionKey(keyText)) };
  } catch (error) {
    return { problem: `${describeError(error)}; the shared tiers stay off rather than hold unencrypted values` };
  }
}
