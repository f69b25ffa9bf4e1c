/**
 * The byte layout every encoded value carries, so a reader can tell our frames from anything else and
 * from frames an older or newer build wrote.
 *
 *   byte 0-1  magic: 0xC1 'C'. 0xC1 is the one byte MessagePack never uses, so no bare MessagePack value
 *             (say, written by another tool into the same Redis) can be mistaken for a frame.
 *   byte 2    format version
 *   byte 3    flags (bit 0: payload is LZ4-compressed)
 *   byte 4-   payload: MessagePack, or LZ4 block with its 4-byte little-endian uncompressed length in front
 */

/** Bumped whenever the payload layout changes; frames of any other version decode as a CodecError (a miss). */
export const CODEC_FORMAT_VERSION = 1;

export const FRAME_MAGIC_0 = 0xc1;
export const FRAME_MAGIC_1 = 0x43;
export const FRAME_HEADER_BYTES = 4;

export const FLAG_LZ4 = 0b0000_0001;
/** Flags this build understands; any other bit means a writer we do not know. */
export const KNOWN_FLAGS = FLAG_LZ4;

/**
 * Below this many packed bytes a value is stored uncompressed. LZ4 is about saving Redis and disk space, not
 * time: measured on Claude-like answers, decompressing costs more than sending the bytes it saves on any link
 * faster than ~100 MB/s (break-even 50-200 MB/s), and at 4 KB it made a Redis hit 1.4x slower on loopback. So
 * the answers of a few KB that make up most of the cache travel as plain MessagePack, and only long ones,
 * where the saving is large (~40 % at 8 KB and up), are compressed. Readers accept both at any size: frames
 * written with an older, lower threshold still decode.
 */
export const COMPRESSION_MIN_BYTES = 8 * 1024;
/** Compression is kept only if it saves at least this fraction of the packed length. */
export const COMPRESSION_MIN_SAVING = 0.1;

/**
 * An LZ4 block expands at most ~255:1 (a run-length byte covers 255 more bytes), so a claimed length above
 * this bound is a lie we refuse before asking LZ4 to allocate for it.
 */
export const LZ4_MAX_EXPANSION = 256;
