import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LedgerCorruptError } from './errors';
import { addSnapshots, emptySnapshot, WORKFLOW_DAYS_KEPT } from './ledgerDelta';
import { withLedgerFileLock } from './ledgerFileLock';
import type { LedgerPersistence } from './ledgerPersistence';
import { parseLedgerSnapshot, type LedgerSnapshot } from './ledgerSnapshot';

/**
 * Keeps the ledger in one JSON file. Writes go to a temporary file in the same folder, are flushed to disk and
 * then renamed over the old file, so a crash mid-write leaves the previous totals, never half a file. Merges
 * (every process's regular save) re-read the file and add to it under a lock file, so processes sharing the
 * file add up instead of overwriting each other.
 */
export class JsonFileLedgerPersistence implements LedgerPersistence {
  constructor(
    readonly filePath: string,
    private readonly options: { keepDays?: number; lockTimeoutMs?: number } = {},
  ) {}

  async merge(delta: LedgerSnapshot): Promise<LedgerSnapshot> {
    await mkdir(dirname(this.filePath), { recursive: true });
    return withLedgerFileLock(
      this.filePath,
      async () => {
        const merged = addSnapshots((await this.load()) ?? emptySnapshot(), delta, {
          days: this.options.keepDays ?? 400,
          workflowDays: WORKFLOW_DAYS_KEPT,
        });
        await this.save(merged);
        return merged;
      },
      this.options.lockTimeoutMs !== undefined ? { timeoutMs: this.options.lockTimeoutMs } : {},
    );
  }

  async load(): Promise<LedgerSnapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let parsed: unknown;
    let problem: string | undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      problem = 'not valid JSON';
    }
    if (problem === undefined) {
      const snapshot = parseLedgerSnapshot(parsed);
      if (typeof snapshot !== 'string') return snapshot;
      problem = snapshot;
    }
    throw new LedgerCorruptError(this.filePath, problem, await this.setAside());
  }

  async save(snapshot: LedgerSnapshot): Promise<void> {
    await mkdir(dirname(this.filePath), { recursive: true });
    const temp = `${this.filePath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(snapshot, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.filePath);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Keeps the unreadable file for inspection instead of overwriting it on the next save. */
  private async setAside(): Promise<string | undefined> {
    const target = `${this.filePath}.corrupt-${Date.now()}`;
    try {
      await rename(this.filePath, target);
      return target;
    } catch {
      return undefined;
    }
  }
}
