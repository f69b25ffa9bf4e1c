import { readdir, readlink, realpath } from 'node:fs/promises';
import { join } from 'node:path';

const POLL_MS = 5;
/** Without /proc (macOS, Windows) there is nothing to watch: wait this long, well past what was measured on Linux. */
const BLIND_WAIT_MS = 100;

/**
 * Resolves once this process no longer holds the embedded engine's LOCK file in `directory` open, i.e. once the
 * engine has really let go of it (it does so a few milliseconds after its close() resolves). On Linux it
 * watches /proc/self/fd; elsewhere it waits a fixed time. Gives up quietly after timeoutMs.
 */
export async function waitForDirectoryRelease(directory: string, timeoutMs = 5_000): Promise<void> {
  let lockPath: string;
  try {
    lockPath = join(await realpath(directory), 'LOCK');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = await holdsOpen(lockPath);
    if (held === undefined) return sleep(BLIND_WAIT_MS);
    if (!held || Date.now() >= deadline) return;
    await sleep(POLL_MS);
  }
}

/** Whether one of this process's file descriptors points at `path`; undefined when that cannot be known. */
async function holdsOpen(path: string): Promise<boolean | undefined> {
  let descriptors: string[];
  try {
    descriptors = await readdir('/proc/self/fd');
  } catch {
    return undefined;
  }
  for (const fd of descriptors) {
    // A descriptor closed meanwhile has no link any more; it does not hold anything.
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target === path) return true;
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
