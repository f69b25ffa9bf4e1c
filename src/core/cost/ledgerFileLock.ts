import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { link, readFile, rename, stat, unlink, writeFile } from '../io/fileOps';
import { parseStartedAt, stillRunning, thisProcess, type ProcessIdentity } from '../io/processIdentity';
import { LedgerLockTimeoutError } from './errors';

export interface LedgerFileLockOptions {
  /** Give up after this long; default 5000 ms. */
  timeoutMs?: number;
  /**
   * A lock file older than this is taken over whoever wrote it (a holder hung mid-merge); default 30000 ms. A
   * lock whose writer is gone is taken over at once, whatever its age.
   */
  staleMs?: number;
  /** Waits between two tries; tests inject one to count the waits instead of timing them. */
  pause?: (ms: number) => Promise<void>;
  /** Milliseconds now, for the timeout; tests inject a clock. */
  now?: () => number;
}

/** What a lock file says about who holds it. */
interface LockHolder {
  /** The file's text, to make sure the file taken over is the one judged. */
  text: string;
  identity: ProcessIdentity | undefined;
  ageMs: number;
}

/**
 * A lock file whose text cannot be read as a holder (empty, cut short, not ours) is taken over once this old:
 * a holder writes its text before the file appears (see tryCreate), so only an older version or a damaged disk
 * leaves one, and a short grace covers a writer on a file system without hard links.
 */
const UNREADABLE_GRACE_MS = 2_000;

/**
 * Runs `work` while holding `<file>.lock`, so one process at a time reads, adds to and rewrites the ledger:
 * without it two processes merging at once would each drop the other's delta.
 *
 * The lock file names its holder (PID, start time, a random nonce). A lock left by a process that is gone, or
 * whose PID now belongs to another process (a different start time), is taken over at once: a killed CLI run
 * must neither make the next runs wait nor cost them their bookings.
 */
export async function withLedgerFileLock<T>(file: string, work: () => Promise<T>, options: LedgerFileLockOptions = {}): Promise<T> {
  const lockFile = `${file}.lock`;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const staleMs = options.staleMs ?? 30_000;
  const now = options.now ?? Date.now;
  const pause = options.pause ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const me = await thisProcess();
  const text = JSON.stringify({ ...me, nonce: randomBytes(8).toString('hex') });
  const started = now();
  // Bounds on the tries without a pause, so a lock that cannot be removed or read still ends in the timeout.
  let vanished = 0;
  let takeOvers = 0;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(lockFile, text)) break;
    const holder = await readHolder(lockFile);
    // Gone between the two looks: try again at once (a few times; a lock that cannot be read at all waits).
    if (holder === undefined && vanished++ < 3) continue;
    if (holder !== undefined && takeOvers < 5 && (await abandoned(holder, staleMs))) {
      takeOvers += 1;
      await takeOver(lockFile, holder);
      continue;
    }
    if (now() - started > timeoutMs) throw new LedgerLockTimeoutError(lockFile, timeoutMs);
    await pause(Math.min(50, 2 + attempt * 2));
  }
  try {
    return await work();
  } finally {
    await releaseIfOurs(lockFile, text);
  }
}

/**
 * Creates the lock file with its text already in it: the text goes to a private temporary file that is then
 * hard-linked to the lock's name, which fails with EEXIST when the lock exists (link(2),
 * https://man7.org/linux/man-pages/man2/link.2.html), so nobody ever sees a lock without its holder. On a file
 * system without hard links it falls back to an exclusive create (O_EXCL) and writes the text after.
 */
async function tryCreate(lockFile: string, text: string): Promise<boolean> {
  const temporary = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600, flag: 'wx' });
    try {
      await link(temporary, lockFile);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    }
    return await createExclusive(lockFile, text);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

async function createExclusive(lockFile: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockFile, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

async function readHolder(lockFile: string): Promise<LockHolder | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
  } catch {
    return undefined;
  }
  // File times are wall-clock times, whatever clock measures the timeout.
  return { text, identity: holderOf(text), ageMs: Date.now() - mtimeMs };
}

/** The holder a lock's text names: `{pid, startedAt?, nonce}` as written here, or a bare PID (older versions). */
function holderOf(text: string): ProcessIdentity | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { pid, startedAt } = parsed as Record<string, unknown>;
  if (!Number.isInteger(pid) || (pid as number) <= 0) return undefined;
  const started = parseStartedAt(startedAt);
  return { pid: pid as number, ...(started !== undefined ? { startedAt: started } : {}) };
}

async function abandoned(holder: LockHolder, staleMs: number): Promise<boolean> {
  if (holder.ageMs > staleMs) return true;
  if (holder.identity === undefined) return holder.ageMs > UNREADABLE_GRACE_MS;
  return !(await stillRunning(holder.identity));
}

/**
 * Removes an abandoned lock, and only that one: it is renamed to a name of our own first (a rename is atomic, so
 * of several processes taking over the same lock one gets it), then its text is compared with what was judged.
 * When another process replaced it meanwhile, the live lock is linked back unless a new one is there already.
 */
async function takeOver(lockFile: string, judged: LockHolder): Promise<void> {
  const aside = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(lockFile, aside);
  } catch {
    return;
  }
  const text = await readFile(aside, 'utf8').catch(() => judged.text);
  if (text !== judged.text) await link(aside, lockFile).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/** Deletes the lock file while it is still ours: a lock taken over after a long hang belongs to someone else. */
async function releaseIfOurs(lockFile: string, text: string): Promise<void> {
  const current = await readFile(lockFile, 'utf8').catch(() => undefined);
  if (current === text) await unlink(lockFile).catch(() => undefined);
}
