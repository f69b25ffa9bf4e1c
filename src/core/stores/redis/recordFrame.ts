import type { StoredRecord } from '../store';

/**
 * How a record sits in a byte-only store (Redis): a fixed 18-byte header, then the value bytes.
 *
 *   0     magic 0xCA
 *   1     frame version 1
 *   2..9  createdAt, float64 big-endian, cache-clock ms
 *   10..17 expiresAt, float64 big-endian, cache-clock ms
 *
 * The timestamps travel with the value because the cache clock may be injected (tests, replays) and so differ
 * from the server's: the server's own TTL only reclaims space, the header decides what is live.
 */
export const FRAME_HEADER_BYTES = 18;
const MAGIC = 0xca;
const VERSION = 1;

export interface FrameHeader {
  createdAt: number;
  expiresAt: number;
}

/** Header and value in one new buffer, ready to send. */
export function encodeFrame(value: Uint8Array, createdAt: number, expiresAt: number): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + value.byteLength);
  frame[0] = MAGIC;
  frame[1] = VERSION;
  frame.writeDoubleBE(createdAt, 2);
  frame.writeDoubleBE(expiresAt, 10);
  frame.set(value, FRAME_HEADER_BYTES);
  return frame;
}

/** The header of a frame (or of its first bytes), or undefined when they are not a header this module wrote. */
export function decodeFrameHeader(bytes: Buffer): FrameHeader | undefined {
  if (!startsWithHeader(bytes)) return undefined;
  const createdAt = bytes.readDoubleBE(2);
  const expiresAt = bytes.readDoubleBE(10);
  if (!Number.isFinite(createdAt) || !Number.isFinite(expiresAt)) return undefined;
  return { createdAt, expiresAt };
}

/**
 * The record a frame holds, its value a view of the frame's bytes (no copy) typed as a plain Uint8Array so
 * every store hands back the same type. Undefined for a malformed frame.
 */
export function decodeFrame(bytes: Buffer): StoredRecord<Uint8Array> | undefined {
  if (!startsWithHeader(bytes)) return undefined;
  const createdAt = bytes.readDoubleBE(2);
  const expiresAt = bytes.readDoubleBE(10);
  if (!Number.isFinite(createdAt) || !Number.isFinite(expiresAt)) return undefined;
  const value = new Uint8Array(bytes.buffer, bytes.byteOffset + FRAME_HEADER_BYTES, bytes.length - FRAME_HEADER_BYTES);
  return { value, createdAt, expiresAt };
}

function startsWithHeader(bytes: Buffer): boolean {
  return bytes.length >= FRAME_HEADER_BYTES && bytes[0] === MAGIC && bytes[1] === VERSION;
}
