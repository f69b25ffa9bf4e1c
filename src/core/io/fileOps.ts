import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';

/**
 * The file operations of the engine's small bookkeeping files (ledger and its lock, hit counters, usage spool, workflow
 * discovery, settings, the storage probe), with the signatures of node:fs/promises. A long-lived process (the
 * editor) keeps them asynchronous, off its event loop. A one-shot process (the CLI) switches them to the synchronous
 * calls once, at start: it has no other work to overlap them with, and each asynchronous call costs a round trip
 * through libuv's thread pool (0.3-0.6 ms each on the bench machine, against microseconds for a small local file),
 * which added up to a tenth of a cached run. Either way a failure is a rejected promise, so callers are unchanged.
 */
let immediate = false;

/** For one-shot processes: from now on this process's file operations complete before they return. */
export function useImmediateFileOps(enabled = true): void {
  immediate = enabled;
}

function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

export function mkdir(path: string, options?: fs.MakeDirectoryOptions): Promise<string | undefined> {
  return immediate ? settle(() => fs.mkdirSync(path, options)) : fsp.mkdir(path, options);
}

export function readFile(path: string): Promise<Buffer>;
export function readFile(path: string, encoding: BufferEncoding): Promise<string>;
export function readFile(path: string, encoding?: BufferEncoding): Promise<Buffer | string> {
  if (encoding === undefined) return immediate ? settle(() => fs.readFileSync(path)) : fsp.readFile(path);
  return immediate ? settle(() => fs.readFileSync(path, encoding)) : fsp.readFile(path, encoding);
}

export function writeFile(path: string, data: string | Uint8Array, options?: fs.WriteFileOptions): Promise<void> {
  return immediate ? settle(() => fs.writeFileSync(path, data, options)) : fsp.writeFile(path, data, options);
}

export function rename(from: string, to: string): Promise<void> {
  return immediate ? settle(() => fs.renameSync(from, to)) : fsp.rename(from, to);
}

export function unlink(path: string): Promise<void> {
  return immediate ? settle(() => fs.unlinkSync(path)) : fsp.unlink(path);
}

export function rm(path: string, options?: fs.RmOptions): Promise<void> {
  return immediate ? settle(() => fs.rmSync(path, options)) : fsp.rm(path, options);
}

export function link(existing: string, created: string): Promise<void> {
  return immediate ? settle(() => fs.linkSync(existing, created)) : fsp.link(existing, created);
}

export function access(path: string, mode?: number): Promise<void> {
  return immediate ? settle(() => fs.accessSync(path, mode)) : fsp.access(path, mode);
}

export function stat(path: string): Promise<fs.Stats> {
  return immediate ? settle(() => fs.statSync(path)) : fsp.stat(path);
}

export function readdir(path: string): Promise<string[]>;
export function readdir(path: string, options: { withFileTypes: true }): Promise<fs.Dirent[]>;
export function readdir(path: string, options?: { withFileTypes: true }): Promise<string[] | fs.Dirent[]> {
  if (options === undefined) return immediate ? settle(() => fs.readdirSync(path)) : fsp.readdir(path);
  return immediate ? settle(() => fs.readdirSync(path, options)) : fsp.readdir(path, options);
}

/**
 * Writes `data` into a new or emptied file with `mode` and, with `flushToDisk`, waits until the disk has it
 * (fsync) before closing: what an atomic replace writes before renaming over the old file.
 */
export async function writeNewFile(path: string, data: string | Uint8Array, options: { mode: number; flushToDisk: boolean }): Promise<void> {
  if (immediate) {
    return settle(() => {
      const fd = fs.openSync(path, 'w', options.mode);
      try {
        fs.writeFileSync(fd, data);
        if (options.flushToDisk) fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  }
  const handle = await fsp.open(path, 'w', options.mode);
  try {
    await handle.writeFile(data);
    if (options.flushToDisk) await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` atomically: `data` goes to a temporary file beside it (flushed to disk with `flushToDisk`), which
 * is then renamed over `path`, so a reader finds the old content or the new, never half a file or none (rename(2),
 * https://man7.org/linux/man-pages/man2/rename.2.html). A failure removes the temporary file and rejects.
 */
export async function replaceFile(path: string, data: string | Uint8Array, options: { mode: number; flushToDisk?: boolean }): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeNewFile(temporary, data, { mode: options.mode, flushToDisk: options.flushToDisk ?? false });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
