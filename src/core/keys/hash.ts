import { createHash } from 'node:crypto';

/** One input to sha256Hex: text (hashed as UTF-8) or raw bytes. */
export type HashPart = string | Uint8Array;

// Each part is written as a tag byte, an 8-byte big-endian length and the bytes, so the sequence of parts is
// recoverable from the hashed stream: ('ab', 'c') and ('a', 'bc') can never feed the hash the same bytes.
const TAG_UTF8 = 0x73; // 's'
const TAG_UTF16 = 0x77; // 'w': a string with a lone surrogate, which UTF-8 would fold into U+FFFD
const TAG_BYTES = 0x62; // 'b'
const LONE_SURROGATE = /\p{Cs}/u;

/** Lowercase hex SHA-256 over an unambiguous framing of the parts. */
export function sha256Hex(...parts: readonly HashPart[]): string {
  const hash = createHash('sha256');
  const header = Buffer.allocUnsafe(9);
  for (const part of parts) {
    if (typeof part !== 'string') {
      hash.update(frameHeader(header, TAG_BYTES, part.byteLength));
      hash.update(part);
    } else if (LONE_SURROGATE.test(part)) {
      const units = Buffer.from(part, 'utf16le');
      hash.update(frameHeader(header, TAG_UTF16, units.length));
      hash.update(units);
    } else {
      hash.update(frameHeader(header, TAG_UTF8, Buffer.byteLength(part, 'utf8')));
      hash.update(part, 'utf8');
    }
  }
  return hash.digest('hex');
}

function frameHeader(header: Buffer, tag: number, length: number): Buffer {
  header[0] = tag;
  header.writeUInt32BE(Math.floor(length / 2 ** 32), 1);
  header.writeUInt32BE(length >>> 0, 5);
  return header;
}
