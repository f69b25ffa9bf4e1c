import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { CodecError } from '../errors';
import type { ValueCodec } from '../tiered/tierTypes';
import { ENCRYPTION_KEY_BYTES } from '../security/encryptionKey';
import { EncryptionKeyError } from '../security/errors';
import { FRAME_MAGIC_0, FRAME_MAGIC_1 } from './frame';

/**
 * Sealed frame layout, kept apart from the plain frame by its second magic byte so a reader can say which it
 * holds:
 *
 *   byte 0-1    magic: 0xC1 'E'
 *   byte 2      sealed format version
 *   byte 3      reserved, 0
 *   byte 4-7    key id: the first 4 bytes of sha256(key), so a wrong key is told apart from damaged bytes
 *   byte 8-19   random 96-bit IV
 *   byte 20-    AES-256-GCM ciphertext of the inner codec's frame, then the 16-byte tag
 *
 * The 8 header bytes are authenticated data: changing any of them fails the tag.
 */
export const SEALED_MAGIC_1 = 0x45;
export const SEALED_FORMAT_VERSION = 1;
const HEADER_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes a sealed frame adds to the inner frame. */
export const SEALED_OVERHEAD_BYTES = HEADER_BYTES + IV_BYTES + TAG_BYTES;

/**
 * Encryption at rest for the shared tiers: wraps another codec and seals its frames with AES-256-GCM. The
 * memory tier holds decoded values and never sees these bytes. Anything it cannot open (another key, bytes
 * written without encryption, tampering, truncation) is a CodecError, which the cache turns into a miss.
 */
export class EncryptingCodec implements ValueCodec {
  private readonly key: Buffer;
  private readonly keyId: Buffer;
  /** A key of its own for fingerprints, derived from the AES key, so no primitive uses the AES key twice. */
  private readonly fingerprintKey: Buffer;

  constructor(
    private readonly inner: ValueCodec,
    key: Uint8Array,
  ) {
    if (key.length !== ENCRYPTION_KEY_BYTES) {
      throw new EncryptionKeyError(`an AES-256 key is ${ENCRYPTION_KEY_BYTES} bytes, not ${key.length}`);
    }
    this.key = Buffer.from(key);
    this.keyId = createHash('sha256').update(this.key).digest().subarray(0, 4);
    this.fingerprintKey = createHmac('sha256', this.key).update('claude-cache fingerprint key v1').digest();
  }

  /**
   * HMAC-SHA256 of `label` under the key, as hex: the same for every holder of the key, unguessable without it,
   * and no help in finding the key. Used where a stored value must be matched without being readable (the usage
   * log's workspace) and to tell holders of this key apart from others (the encrypted-namespace marker).
   */
  fingerprint(label: string): string {
    return createHmac('sha256', this.fingerprintKey).update(label, 'utf8').digest('hex');
  }

  encode(value: unknown): Uint8Array {
    const plain = this.inner.encode(value);
    const header = Buffer.from([FRAME_MAGIC_0, SEALED_MAGIC_1, SEALED_FORMAT_VERSION, 0, ...this.keyId]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(header);
    const body = cipher.update(plain);
    const last = cipher.final();
    const out = Buffer.allocUnsafeSlow(SEALED_OVERHEAD_BYTES + body.length + last.length);
    header.copy(out, 0);
    iv.copy(out, HEADER_BYTES);
    body.copy(out, HEADER_BYTES + IV_BYTES);
    last.copy(out, HEADER_BYTES + IV_BYTES + body.length);
    cipher.getAuthTag().copy(out, out.length - TAG_BYTES);
    return out;
  }

  decode(bytes: Uint8Array): unknown {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (data.length >= 2 && data[0] === FRAME_MAGIC_0 && data[1] === FRAME_MAGIC_1) {
      throw new CodecError('cache entry was written without encryption, and encryption is on');
    }
    if (data.length < 2 || data[0] !== FRAME_MAGIC_0 || data[1] !== SEALED_MAGIC_1) {
      throw new CodecError('not an encrypted cache entry');
    }
    if (data.length <= SEALED_OVERHEAD_BYTES) {
      throw new CodecError(`truncated encrypted cache entry: ${data.length} bytes`);
    }
    if (data[2] !== SEALED_FORMAT_VERSION) {
      throw new CodecError(`encrypted cache entry of format version ${data[2]}; this build reads ${SEALED_FORMAT_VERSION}`);
    }
    const header = data.subarray(0, HEADER_BYTES);
    if (!header.subarray(4, HEADER_BYTES).equals(this.keyId)) {
      throw new CodecError('cache entry was encrypted with another key');
    }
    const iv = data.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(HEADER_BYTES + IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      // GCM says only "unable to authenticate": the bytes were changed or cut, or the key id collided.
      throw new CodecError('encrypted cache entry failed authentication (damaged or tampered)');
    }
    return this.inner.decode(plain);
  }
}
