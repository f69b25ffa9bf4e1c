import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { parseStartedAt } from '../../../io/processIdentity';

/** Who serves a shared embedded directory, and how to reach it: written by the owner, read by everyone else. */
export interface OwnerRecord {
  pid: number;
  /**
   * When the owner process started (see ProcessIdentity): a record whose PID is alive but started at another
   * time was left by a dead owner whose PID was reused, and is stale at once. Absent in records of older versions.
   */
  startedAt?: string;
  /** The relay's port on 127.0.0.1. */
  port: number;
  /** 64 hex digits; required on the WebSocket upgrade. */
  token: string;
}

/** The owner file sits beside the directory (`<dir>.owner.json`), so the engine's own files stay its own. */
export function ownerFilePath(directory: string): string {
  return `${directory}.owner.json`;
}

export function newAccessToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Written to a temporary file created 0600 and renamed into place, so a reader sees the old record or the new
 * one, never half of one, and no other user can read the token.
 */
export async function writeOwnerRecord(file: string, record: OwnerRecord): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, JSON.stringify(record), { mode: 0o600, flag: 'wx' });
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** The record, or undefined when the file is missing or is not a record (a bad file is as good as none). */
export async function readOwnerRecord(file: string): Promise<OwnerRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { pid, port, token, startedAt } = parsed as Record<string, unknown>;
  if (!Number.isInteger(pid) || (pid as number) <= 0) return undefined;
  if (!Number.isInteger(port) || (port as number) <= 0 || (port as number) > 65_535) return undefined;
  if (typeof token !== 'string' || !/^[0-9a-f]{64}$/.test(token)) return undefined;
  const started = parseStartedAt(startedAt);
  return { pid: pid as number, port: port as number, token, ...(started !== undefined ? { startedAt: started } : {}) };
}

/** Removes the file only while it still holds this record: a successor's record is never deleted. */
export async function removeOwnerRecord(file: string, record: OwnerRecord): Promise<void> {
  const current = await readOwnerRecord(file);
  if (current?.token !== record.token) return;
  await unlink(file).catch(() => undefined);
}
