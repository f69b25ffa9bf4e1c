import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** One file of a zip archive (a VSIX is one), read from its central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly compressedSize: number;
  readonly size: number;
  /** The entry's bytes, inflated; read on demand because a VSIX carries tens of MB of binaries. */
  read(): Buffer;
}

// Offsets and signatures from PKWARE's APPNOTE.TXT (sections 4.3.7 local header, 4.3.12 central directory
// header, 4.3.16 end of central directory record). vsce writes plain zip (no zip64, no encryption), which is
// all this reads; anything else is refused rather than misread.
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const EOCD_MIN_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
const STORED = 0;
const DEFLATED = 8;

/** The entries of a zip file, in central-directory order. */
export function zipEntries(file: string): ZipEntry[] {
  const zip = readFileSync(file);
  const eocd = findEndOfCentralDirectory(zip, file);
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER) {
      throw new Error(`${file}: central directory entry ${index} is damaged`);
    }
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({
      name,
      compressedSize,
      size,
      read: () => readEntry(zip, file, name, method, localHeader, compressedSize, size),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfCentralDirectory(zip: Buffer, file: string): number {
  const earliest = Math.max(0, zip.length - EOCD_MIN_BYTES - MAX_COMMENT_BYTES);
  for (let at = zip.length - EOCD_MIN_BYTES; at >= earliest; at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new Error(`${file} is not a zip file (no end of central directory record)`);
}

function readEntry(
  zip: Buffer,
  file: string,
  name: string,
  method: number,
  localHeader: number,
  compressedSize: number,
  size: number,
): Buffer {
  if (zip.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) throw new Error(`${file}: local header of ${name} is damaged`);
  // The local header's own name and extra lengths, which may differ from the central directory's.
  const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
  const data = zip.subarray(start, start + compressedSize);
  let out: Buffer;
  if (method === STORED) out = Buffer.from(data);
  else if (method === DEFLATED) out = inflateRawSync(data);
  else throw new Error(`${file}: ${name} uses compression method ${method}, which this reader does not know`);
  if (out.length !== size) throw new Error(`${file}: ${name} inflated to ${out.length} bytes, expected ${size}`);
  return out;
}
