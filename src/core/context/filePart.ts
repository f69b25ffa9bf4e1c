import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { OutsideWorkspaceError, realPathInWorkspace } from '../pathContainment';
import { ContextReadError, ContextTooLargeError } from './errors';
import { sha256 } from './hash';
import type { ChangedPart, ContextPart } from './snapshot';

// ignoreBOM keeps a leading BOM in the text, so the content hashes to exactly the bytes on disk.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A file part's id: the path relative to the workspace with `/` separators (stable across machines);
 * a file outside the workspace keeps its absolute path, since no relative form would be honest.
 */
export function filePartId(workspace: string, filePath: string): string {
  const absolute = path.resolve(workspace, filePath);
  const relative = path.relative(workspace, absolute);
  const inside = relative.length > 0 && !relative.startsWith('..') && !path.isAbsolute(relative);
  return (inside ? relative : absolute).split(path.sep).join('/');
}

/**
 * The file as a part: the file a workflow reads (`file`), or one its text references (`reference`, from `@path`
 * or a Markdown link). Both go through the same containment check, size bound and text check.
 */
export async function readFilePart(
  workspace: string,
  filePath: string,
  maxBytes: number,
  kind: 'file' | 'reference' = 'file',
): Promise<ContextPart> {
  const id = filePartId(workspace, filePath);
  const absolute = await fileInWorkspace(id, workspace, filePath);
  const { bytes } = await readBounded(id, absolute, maxBytes);
  return { kind, id, hash: sha256(bytes), size: bytes.length, content: decodeText(id, bytes) };
}

/**
 * Fresh only when the bytes on disk hash to the part's hash (the rule and why no timestamp may skip it: see
 * checkSnapshot.ts). A missing file, a non-file or another size is a change found without reading; an equal
 * size is never taken as "unchanged". Saving without edits (or `touch`) keeps the part fresh: same bytes.
 */
export async function checkFilePart(workspace: string, part: ContextPart): Promise<ChangedPart | undefined> {
  let absolute: string;
  let info;
  try {
    // Re-checked on every look: a file replaced by a link out of the workspace is a change, never read.
    absolute = await realPathInWorkspace(workspace, part.id);
    info = await stat(absolute);
  } catch (error) {
    if (error instanceof OutsideWorkspaceError) {
      return { id: part.id, kind: part.kind, reason: 'differs', detail: 'now leads outside the workspace' };
    }
    if (isMissing(error)) return { id: part.id, kind: part.kind, reason: 'deleted' };
    return { id: part.id, kind: part.kind, reason: 'differs', detail: `cannot stat: ${(error as Error).message}` };
  }
  if (!info.isFile()) return { id: part.id, kind: part.kind, reason: 'differs', detail: 'no longer a regular file' };
  if (info.size !== part.size) {
    return { id: part.id, kind: part.kind, reason: 'modified', detail: `size ${part.size} -> ${info.size} bytes` };
  }
  try {
    const { bytes } = await readBounded(part.id, absolute, part.size);
    if (sha256(bytes) === part.hash) return undefined;
  } catch (error) {
    if (isMissing(error)) return { id: part.id, kind: part.kind, reason: 'deleted' };
    // Grew past its old size between stat and read, or became unreadable: changed either way.
  }
  return { id: part.id, kind: part.kind, reason: 'modified', detail: 'content hash changed' };
}

/**
 * The real path of a file the workflow reads, refused (OutsideWorkspaceError) when it or a link on its way leads
 * out of the workspace; a missing or unreadable path is a ContextReadError, as opening it would be.
 */
async function fileInWorkspace(id: string, workspace: string, filePath: string): Promise<string> {
  try {
    return await realPathInWorkspace(workspace, filePath, id);
  } catch (error) {
    if (error instanceof OutsideWorkspaceError) throw error;
    throw new ContextReadError(id, describeOpenError(error), { cause: error });
  }
}

async function readBounded(id: string, absolute: string, maxBytes: number): Promise<{ bytes: Buffer }> {
  let handle;
  try {
    handle = await open(absolute, 'r');
  } catch (error) {
    throw new ContextReadError(id, describeOpenError(error), { cause: error });
  }
  try {
    // Stat the open handle, so the size bound and the file-type test apply to the file actually read.
    const info = await handle.stat();
    if (!info.isFile()) throw new ContextReadError(id, 'not a regular file');
    if (info.size > maxBytes) throw new ContextTooLargeError(id, info.size, maxBytes);
    const bytes = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw new ContextTooLargeError(id, undefined, maxBytes);
    }
    return { bytes: bytes.subarray(0, length) };
  } finally {
    await handle.close();
  }
}

function decodeText(id: string, bytes: Buffer): string {
  if (bytes.includes(0)) throw new ContextReadError(id, 'is a binary file (it contains NUL bytes)');
  try {
    return strictUtf8.decode(bytes);
  } catch (error) {
    throw new ContextReadError(id, 'is not UTF-8 text', { cause: error });
  }
}

/** The file is not there (or a folder on its path is a file): ENOENT/ENOTDIR, raw or wrapped. */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return true;
  return error instanceof ContextReadError && isMissing(error.cause);
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return (error as Error).message;
}
