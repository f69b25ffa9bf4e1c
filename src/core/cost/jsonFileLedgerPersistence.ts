import { mkdir, readFile, rename, replaceFile } from '../io/fileOps';
import { dirname } from 'node:path';
import type { CacheError } from '../errors';
import { parseReservations, reservationLive, serializeReservations, type BudgetReservation } from './budgetReservation';
import { LedgerCorruptError, LedgerRestoredError } from './errors';
import { addSnapshots, emptySnapshot, WORKFLOW_DAYS_KEPT } from './ledgerDelta';
import { withLedgerFileLock, type LedgerFileLockOptions } from './ledgerFileLock';
import type { LedgerPersistence, ReservationDecision } from './ledgerPersistence';
import { carriesSpend, parseLedgerSnapshot, type LedgerSnapshot } from './ledgerSnapshot';

/** What reading one ledger file found. */
type Read = { kind: 'ok'; snapshot: LedgerSnapshot } | { kind: 'missing' } | { kind: 'damaged'; problem: string };

/**
 * Keeps the ledger in one JSON file. Writes go to a temporary file in the same folder, are flushed to disk and
 * then renamed over the old file, so a crash mid-write leaves the previous totals, never half a file. Merges
 * (every process's regular save) re-read the file and add to it under a lock file, so processes sharing the
 * file add up instead of overwriting each other.
 *
 * Every save also writes the same totals, the same way, to `<file>.backup`. A ledger file found damaged (edited
 * by hand, a disk that lost a block) is kept aside as `<file>.damaged-<time>` and the totals come back from the
 * backup, so today's spend, and the daily budget that reads it, is not silently reset to zero.
 *
 * Budget reservations (see BudgetReservation) live in `<file>.reservations`, read and written under the same
 * lock as the totals, so a budget check and the reservation it makes are one step for every process.
 */
export class JsonFileLedgerPersistence implements LedgerPersistence {
  private readonly listeners: Array<(problem: CacheError) => void> = [];

  constructor(
    readonly filePath: string,
    private readonly options: {
      keepDays?: number;
      lockTimeoutMs?: number;
      lock?: LedgerFileLockOptions;
      /** Epoch ms now, to expire reservations; tests inject a clock. */
      now?: () => number;
    } = {},
  ) {}

  /** The copy written with every save, read when the ledger file itself is damaged. */
  get backupPath(): string {
    return `${this.filePath}.backup`;
  }

  /** Where the reservations of calls under way are kept. */
  get reservationsPath(): string {
    return `${this.filePath}.reservations`;
  }

  reportProblemsTo(listener: (problem: CacheError) => void): void {
    this.listeners.push(listener);
  }

  async merge(delta: LedgerSnapshot, release: readonly string[] = []): Promise<LedgerSnapshot> {
    await mkdir(dirname(this.filePath), { recursive: true });
    return this.locked(async () => {
      const merged = await this.mergeHoldingLock(delta);
      if (release.length > 0) {
        // After the totals: a crash in between counts the call twice for a moment, never not at all.
        const dropped = new Set(release);
        const { live, changed } = await this.liveReservations();
        const kept = live.filter((reservation) => !dropped.has(reservation.id));
        if (changed || kept.length !== live.length) await this.writeReservations(kept);
      }
      return merged;
    });
  }

  async reserve(delta: LedgerSnapshot, decide: ReservationDecision): Promise<{ stored: LedgerSnapshot; reserved: BudgetReservation | undefined }> {
    await mkdir(dirname(this.filePath), { recursive: true });
    return this.locked(async () => {
      const stored = await this.mergeHoldingLock(delta);
      const { live, changed } = await this.liveReservations();
      const reserved = decide(stored, live);
      if (reserved || changed) await this.writeReservations(reserved ? [...live, reserved] : live);
      return { stored, reserved };
    });
  }

  async load(): Promise<LedgerSnapshot | undefined> {
    const found = await this.read(this.filePath);
    if (found.kind === 'ok') return found.snapshot;
    if (found.kind === 'missing') return undefined;
    // Damaged: look again under the lock, so that one process sets it aside and restores it, not several.
    return this.locked(() => this.readHoldingLock('load'));
  }

  async save(snapshot: LedgerSnapshot): Promise<void> {
    await mkdir(dirname(this.filePath), { recursive: true });
    // Both at once: each file is the old totals or the new ones whatever happens, so no order is needed.
    await Promise.all([this.writeAtomically(this.filePath, snapshot), this.writeAtomically(this.backupPath, snapshot)]);
  }

  /** Adds `delta` to the stored totals (held lock); an empty delta rewrites nothing. */
  private async mergeHoldingLock(delta: LedgerSnapshot): Promise<LedgerSnapshot> {
    const stored = (await this.readHoldingLock('merge')) ?? emptySnapshot();
    if (isEmptyDelta(delta)) return stored;
    const merged = addSnapshots(stored, delta, { days: this.options.keepDays ?? 400, workflowDays: WORKFLOW_DAYS_KEPT });
    if (carriesSpend(delta)) {
      await this.save(merged);
    } else {
      // Savings only (a cache hit): no flush to disk and no backup. A crash can lose these savings, never spend:
      // the backup, flushed with every save that carries spend, restores a damaged file with all of it.
      await mkdir(dirname(this.filePath), { recursive: true });
      await this.writeAtomically(this.filePath, merged, false);
    }
    return merged;
  }

  /** The reservations that still count (held lock); `changed` when some were dropped as expired or orphaned. */
  private async liveReservations(): Promise<{ live: BudgetReservation[]; changed: boolean }> {
    let text: string;
    try {
      text = await readFile(this.reservationsPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { live: [], changed: false };
      throw error;
    }
    const all = parseReservations(text);
    const now = (this.options.now ?? Date.now)();
    const live: BudgetReservation[] = [];
    for (const reservation of all) if (await reservationLive(reservation, now)) live.push(reservation);
    return { live, changed: live.length !== all.length };
  }

  private async writeReservations(reservations: readonly BudgetReservation[]): Promise<void> {
    await this.writeTextAtomically(this.reservationsPath, serializeReservations(reservations));
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    return withLedgerFileLock(this.filePath, work, {
      ...this.options.lock,
      ...(this.options.lockTimeoutMs !== undefined ? { timeoutMs: this.options.lockTimeoutMs } : {}),
    });
  }

  /**
   * The stored totals, read while holding the lock. A damaged file is set aside and the backup restored over it
   * (reported as LedgerRestoredError); without a usable backup, a load throws LedgerCorruptError and a merge
   * reports it and starts from zero, so the spend being booked is still booked.
   */
  private async readHoldingLock(purpose: 'load' | 'merge'): Promise<LedgerSnapshot | undefined> {
    const found = await this.read(this.filePath);
    if (found.kind === 'ok') return found.snapshot;
    if (found.kind === 'missing') return undefined;
    const movedTo = await this.setAside();
    const backup = await this.read(this.backupPath).catch(() => ({ kind: 'missing' }) as const);
    if (backup.kind === 'ok') {
      await this.writeAtomically(this.filePath, backup.snapshot);
      this.report(new LedgerRestoredError(this.filePath, found.problem, movedTo, this.backupPath));
      return backup.snapshot;
    }
    const corrupt = new LedgerCorruptError(this.filePath, found.problem, movedTo);
    if (purpose === 'load') throw corrupt;
    this.report(corrupt);
    return undefined;
  }

  private async read(file: string): Promise<Read> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { kind: 'damaged', problem: 'not valid JSON' };
    }
    const snapshot = parseLedgerSnapshot(parsed);
    return typeof snapshot === 'string' ? { kind: 'damaged', problem: snapshot } : { kind: 'ok', snapshot };
  }

  private async writeAtomically(file: string, snapshot: LedgerSnapshot, flushToDisk = true): Promise<void> {
    await this.writeTextAtomically(file, `${JSON.stringify(snapshot, null, 2)}\n`, flushToDisk);
  }

  /** The old text or the new, flushed to disk unless told otherwise (see replaceFile). */
  private async writeTextAtomically(file: string, text: string, flushToDisk = true): Promise<void> {
    await replaceFile(file, text, { mode: 0o600, flushToDisk });
  }

  /** Keeps the unreadable file for inspection instead of overwriting it on the next save. */
  private async setAside(): Promise<string | undefined> {
    const target = `${this.filePath}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(this.filePath, target);
      return target;
    } catch {
      return undefined;
    }
  }

  private report(problem: CacheError): void {
    for (const listener of this.listeners) listener(problem);
  }
}

/** A delta that changes nothing: merging it would only rewrite the same totals. */
function isEmptyDelta(delta: LedgerSnapshot): boolean {
  return (
    Object.values(delta.totals).every((value) => value === 0) &&
    delta.days.length === 0 &&
    (delta.workflowDays ?? []).length === 0
  );
}
