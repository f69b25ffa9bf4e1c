import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, replaceFile, rm, unlink } from '../../io/fileOps';
import { join } from 'node:path';
import type { StoredRecord } from '../store';

/**
 * A file per entry beside an embedded SurrealDB directory (`<dir>.entries/`), holding the very bytes the table
 * holds (encoded, sealed when encryption is on) with their times. It exists for one reader: a process that has not
 * opened the directory yet (a CLI run), which answers a hit from these files and never pays for opening the
 * engine (a first surrealkv open in a process costs 150-500 ms on the bench machine, three times Node's own start).
 * The table stays the truth; these files only ever answer what the table would answer, or nothing:
 *
 * - Every write and every read from the table writes the entry's file; every removal from the table (a key, a
 *   pattern, a layer, a cleanup pass) removes the files of the keys it removed.
 * - `EPOCH` names the live generation (a folder of files) and the SurrealDB folder it belongs to, by inode: when
 *   that folder is deleted, moved aside as damaged or replaced, no file of it is read again, and the next writer
 *   starts a new generation, sweeping the old ones.
 * - An expired file is a miss; a file that does not parse, or whose key differs, is a miss.
 * - Failures here never fail the store: the table has the data, a missing file only means a slower read.
 */
export class SurrealEntryFiles {
  private readonly root: string;

  /** The entry files of the embedded SurrealDB folder `directory`, kept in `<directory>.entries`. */
  constructor(private readonly directory: string) {
    this.root = `${directory}.entries`;
  }

  /**
   * The live generation (the name of its folder), or a new one when none was started for this SurrealDB folder;
   * undefined when the folder is not there (then no file is written).
   */
  async generation(): Promise<string | undefined> {
    const current = await this.readGeneration();
    return current ?? this.startGeneration();
  }

  /**
   * The entry as the table would give it at `now`, or undefined (absent, expired, another generation, unreadable).
   * `generation` is what liveGeneration() said, read once for the lookups of one short run.
   */
  async read(recordKey: string, now: number, generation?: string): Promise<StoredRecord<Uint8Array> | undefined> {
    generation ??= await this.readGeneration();
    if (generation === undefined) return undefined;
    let bytes: Buffer;
    try {
      // Read at once: a few kilobytes of a local file take microseconds, where a round trip through libuv's thread
      // pool took 0.3-0.6 ms each on the bench machine, and a CLI hit makes a dozen of these reads.
      bytes = readFileSync(this.pathOf(generation, recordKey));
    } catch {
      return undefined;
    }
    const entry = decodeEntryFile(bytes);
    if (!entry || entry.recordKey !== recordKey || entry.record.expiresAt <= now) return undefined;
    return entry.record;
  }

  /** Writes the entry into `generation` (read with generation() before the table was written or read). */
  async write(generation: string | undefined, recordKey: string, record: StoredRecord<Uint8Array>): Promise<void> {
    if (generation === undefined) return;
    try {
      await mkdir(join(this.root, generation), { recursive: true, mode: 0o700 });
      await replaceFile(this.pathOf(generation, recordKey), encodeEntryFile(recordKey, record), { mode: 0o600 });
    } catch {
      // The table has the entry; without its file a one-shot run only reads it from the table.
    }
  }

  /** Removes one entry's file from the live generation. */
  async remove(recordKey: string): Promise<void> {
    const generation = await this.readGeneration();
    if (generation !== undefined) await unlink(this.pathOf(generation, recordKey)).catch(() => undefined);
  }


  /** Removes the folders of every generation but `keep`. */
  private async sweep(keep: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return;
    }
    await Promise.all(
      names
        .filter((name) => name !== keep && GENERATION.test(name))
        .map((name) => rm(join(this.root, name), { recursive: true, force: true }).catch(() => undefined)),
    );
  }

  /** The live generation, when `EPOCH` names one and the SurrealDB folder it was started for is still there. */
  liveGeneration(): Promise<string | undefined> {
    return this.readGeneration();
  }

  private async readGeneration(): Promise<string | undefined> {
    try {
      const [generation, folder] = readFileSync(join(this.root, EPOCH_FILE), 'utf8').trim().split(' ');
      if (generation === undefined || !GENERATION.test(generation)) return undefined;
      return folder !== undefined && folder === (await this.folderIdentity()) ? generation : undefined;
    } catch {
      return undefined;
    }
  }

  /** The SurrealDB folder's inode: a deleted, moved or recreated folder has another one. */
  private async folderIdentity(): Promise<string | undefined> {
    try {
      return String(statSync(this.directory, { bigint: true }).ino);
    } catch {
      return undefined;
    }
  }

  /**
   * A new generation with a random name, never reused, then a sweep of the others. Two processes starting one at
   * once: the last rename wins and the other's files are never read.
   */
  private async startGeneration(): Promise<string | undefined> {
    const folder = await this.folderIdentity();
    // No SurrealDB folder (yet): nothing to tie files to, so none are kept.
    if (folder === undefined) return undefined;
    const generation = `g${randomBytes(8).toString('hex')}`;
    try {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      await replaceFile(join(this.root, EPOCH_FILE), `${generation} ${folder}`, { mode: 0o600 });
      await this.sweep(generation);
    } catch {
      // An unwritable folder: nothing is read from it either, so every read goes to the table.
    }
    return generation;
  }

  private pathOf(generation: string, recordKey: string): string {
    return join(this.root, generation, createHash('sha256').update(recordKey).digest('hex'));
  }
}

const EPOCH_FILE = 'EPOCH';
const GENERATION = /^g[0-9a-f]{16}$/;

/** `CPCE` and a format version, then created and expires (float64), the key's length (uint32) and key, then the value. */
const MAGIC = Buffer.from('CPCE\u0001', 'latin1');
const FIXED_HEADER = MAGIC.length + 8 + 8 + 4;

export function encodeEntryFile(recordKey: string, record: StoredRecord<Uint8Array>): Buffer {
  const key = Buffer.from(recordKey, 'utf8');
  const header = Buffer.alloc(FIXED_HEADER);
  MAGIC.copy(header, 0);
  header.writeDoubleLE(record.createdAt, MAGIC.length);
  header.writeDoubleLE(record.expiresAt, MAGIC.length + 8);
  header.writeUInt32LE(key.length, MAGIC.length + 16);
  return Buffer.concat([header, key, record.value]);
}

export function decodeEntryFile(bytes: Buffer): { recordKey: string; record: StoredRecord<Uint8Array> } | undefined {
  if (bytes.length < FIXED_HEADER || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const createdAt = bytes.readDoubleLE(MAGIC.length);
  const expiresAt = bytes.readDoubleLE(MAGIC.length + 8);
  const keyLength = bytes.readUInt32LE(MAGIC.length + 16);
  if (!Number.isFinite(createdAt) || !Number.isFinite(expiresAt) || FIXED_HEADER + keyLength > bytes.length) return undefined;
  const recordKey = bytes.toString('utf8', FIXED_HEADER, FIXED_HEADER + keyLength);
  const value = new Uint8Array(bytes.subarray(FIXED_HEADER + keyLength));
  return { recordKey, record: { value, createdAt, expiresAt } };
}
