import { readFile } from './fileOps';

/**
 * Who wrote a lock or an owner file: a PID, and when that process started. A PID alone is not enough: the
 * kernel hands a freed PID to the next process, so a file left by a killed process can name a PID that is alive
 * and belongs to something else (a shell, a `sleep`, another CLI run). PID and start time together name one
 * process for the life of a boot.
 */
export interface ProcessIdentity {
  pid: number;
  /**
   * Opaque start time of the process: on Linux field 22 (`starttime`, clock ticks after boot) of
   * /proc/<pid>/stat, see https://man.archlinux.org/man/proc_pid_stat.5.txt. Absent where it cannot be read
   * (macOS, Windows, or a file written by an older version): the PID alone is all there is to go by then.
   */
  startedAt?: string;
}

/**
 * Whether a process with this id exists: signal 0 checks without sending anything; EPERM means it exists but
 * is not ours (https://nodejs.org/api/process.html#processkillpid-signal).
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The start time of `pid` (see ProcessIdentity.startedAt); undefined when it is gone or cannot be known here. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return startTimeFromStat(stat);
}

/**
 * Field 22 of a /proc/<pid>/stat line. Field 2 (the command name, in parentheses) may hold spaces and
 * parentheses itself, so fields are counted from the last ')': the text after it starts with field 3.
 */
export function startTimeFromStat(stat: string): string | undefined {
  const end = stat.lastIndexOf(')');
  if (end < 0) return undefined;
  const fields = stat.slice(end + 1).trim().split(/\s+/);
  const value = fields[22 - 3];
  return value !== undefined && /^\d+$/.test(value) ? value : undefined;
}

let own: Promise<ProcessIdentity> | undefined;

/** This process, as it writes itself into lock and owner files. */
export function thisProcess(): Promise<ProcessIdentity> {
  own ??= processStartTime(process.pid).then((startedAt) => (startedAt === undefined ? { pid: process.pid } : { pid: process.pid, startedAt }));
  return own;
}

/**
 * Whether the process a file names is still running: its PID exists and, when both start times can be read,
 * they are the same. A PID that now belongs to another process is not the writer. Without a start time on
 * either side (a platform without /proc, an old file) only the PID can be checked, and callers need another
 * proof on top (the relay answering with its token, the age of a lock).
 */
export async function stillRunning(identity: ProcessIdentity): Promise<boolean> {
  if (!processAlive(identity.pid)) return false;
  if (identity.startedAt === undefined) return true;
  const now = await processStartTime(identity.pid);
  return now === undefined || now === identity.startedAt;
}

/** Reads `startedAt` from parsed JSON: a string of digits, or absent. */
export function parseStartedAt(value: unknown): string | undefined {
  return typeof value === 'string' && /^\d{1,20}$/.test(value) ? value : undefined;
}
