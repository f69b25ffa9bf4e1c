import { Packr, RESET_BUFFER_MODE, Unpackr } from 'msgpackr';
import { CodecError, describeError } from '../errors';
import { lz4Binding, lz4Unavailable } from '../native/nativeModules';
import {
  CODEC_FORMAT_VERSION,
  COMPRESSION_MIN_BYTES,
  COMPRESSION_MIN_SAVING,
  FLAG_LZ4,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC_0,
  FRAME_MAGIC_1,
  KNOWN_FLAGS,
  LZ4_MAX_EXPANSION,
} from './frame';

// useRecords: false keeps every frame self-describing: record structures shared between processes would make
// bytes written by one VS Code window unreadable to a CLI run.
const plainData = { useRecords: false, mapsAsObjects: true } as const;

const packr = new Packr(plainData);
// A frame handed to decodeValue may be kept by its owner (a memory tier holding bytes), so binary values
// decoded straight from it are copied: a caller mutating one must not corrupt the stored frame.
const unpackFromCallerBytes = new Unpackr({ ...plainData, copyBuffers: true });
// A decompressed payload is ours alone, so binary values may stay views into it.
const unpackFromOwnBytes = new Unpackr({ ...plainData, copyBuffers: false });

const LZ4_LENGTH_PREFIX_BYTES = 4;

/** Serializes plain data (objects, arrays, strings, numbers, booleans, null, Uint8Array) into one frame. */
export function encodeValue(value: unknown): Uint8Array {
  let packed: Buffer;
  try {
    // RESET_BUFFER_MODE lets the next pack reuse the same scratch space: `packed` is consumed (compressed or
    // copied into the frame) before anything else packs, so no per-call scratch allocation is needed.
    packed = packr.pack(value, RESET_BUFFER_MODE);
  } catch (error) {
    throw new CodecError(`cannot encode value: ${describeError(error)}`, { cause: error });
  }
  // Without lz4-napi on this machine a frame is simply stored uncompressed: every reader can read that.
  const lz4 = packed.length >= COMPRESSION_MIN_BYTES ? lz4Binding() : undefined;
  if (lz4 !== undefined) {
    const compressed = lz4.compressSync(packed);
    if (compressed.length <= packed.length * (1 - COMPRESSION_MIN_SAVING)) return frame(compressed, FLAG_LZ4);
  }
  return frame(packed, 0);
}

/** Reads a frame written by encodeValue; anything else (truncated, foreign, other version, corrupt) throws CodecError. */
export function decodeValue(bytes: Uint8Array): unknown {
  if (bytes.length <= FRAME_HEADER_BYTES) {
    throw new CodecError(`truncated cache entry: ${bytes.length} bytes, a frame needs more than ${FRAME_HEADER_BYTES}`);
  }
  if (bytes[0] !== FRAME_MAGIC_0 || bytes[1] !== FRAME_MAGIC_1) {
    throw new CodecError(`not a cache entry: starts with ${hexPrefix(bytes)}, expected the c143 marker`);
  }
  const version = bytes[2];
  if (version !== CODEC_FORMAT_VERSION) {
    throw new CodecError(
      `cache entry written by codec format version ${version}; this build reads version ${CODEC_FORMAT_VERSION}`,
    );
  }
  const flags = bytes[3] ?? 0;
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw new CodecError(`cache entry has unknown flags 0x${flags.toString(16)}`);
  }
  if ((flags & FLAG_LZ4) !== 0) {
    const payload = decompress(bytes);
    return unpack(unpackFromOwnBytes, payload, 0, payload.length);
  }
  return unpack(unpackFromCallerBytes, bytes, FRAME_HEADER_BYTES, bytes.length);
}

function frame(payload: Uint8Array, flags: number): Buffer {
  // allocUnsafeSlow gives the frame its own backing store: a pooled Buffer would pin a shared 8 KB slab for
  // as long as a small cached value lives, and make its size accounting a lie.
  const out = Buffer.allocUnsafeSlow(FRAME_HEADER_BYTES + payload.length);
  out[0] = FRAME_MAGIC_0;
  out[1] = FRAME_MAGIC_1;
  out[2] = CODEC_FORMAT_VERSION;
  out[3] = flags;
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

function decompress(bytes: Uint8Array): Buffer {
  const block = bytes.subarray(FRAME_HEADER_BYTES);
  if (block.length <= LZ4_LENGTH_PREFIX_BYTES) {
    throw new CodecError(`truncated compressed cache entry: ${block.length}-byte LZ4 block`);
  }
  const declared = new DataView(block.buffer, block.byteOffset, LZ4_LENGTH_PREFIX_BYTES).getUint32(0, true);
  if (declared > (block.length - LZ4_LENGTH_PREFIX_BYTES) * LZ4_MAX_EXPANSION) {
    throw new CodecError(
      `corrupt compressed cache entry: claims ${declared} bytes from a ${block.length}-byte LZ4 block`,
    );
  }
  const lz4 = lz4Binding();
  if (lz4 === undefined) {
    throw new CodecError(`cannot read a compressed cache entry: ${lz4Unavailable()?.message ?? 'lz4-napi is not loaded'}`);
  }
  let out: Buffer;
  try {
    out = lz4.uncompressSync(block);
  } catch (error) {
    throw new CodecError(`corrupt compressed cache entry: ${describeError(error)}`, { cause: error });
  }
  // LZ4 blocks carry no checksum and lz4-napi does not hold the output to the declared length; a mismatch
  // is the one cheap sign of a damaged block we get.
  if (out.length !== declared) {
    throw new CodecError(`corrupt compressed cache entry: decompressed to ${out.length} bytes, expected ${declared}`);
  }
  return out;
}

function unpack(unpackr: Unpackr, source: Uint8Array, start: number, end: number): unknown {
  if (start >= end) throw new CodecError('corrupt cache entry: empty payload');
  try {
    // start/end read the payload in place: no copy to strip the header.
    return unpackr.unpack(source, { start, end });
  } catch (error) {
    throw new CodecError(`corrupt cache entry: ${describeError(error)}`, { cause: error });
  }
}

function hexPrefix(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4)).toString('hex');
}
