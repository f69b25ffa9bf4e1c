import type { CacheError } from '../errors';
import type { BudgetReservation } from './budgetReservation';
import type { LedgerSnapshot } from './ledgerSnapshot';

/**
 * Decides, seeing the stored totals and the reservations that still count, whether to add a reservation:
 * it returns the one to add, or undefined to add none.
 */
export type ReservationDecision = (stored: LedgerSnapshot, live: readonly BudgetReservation[]) => BudgetReservation | undefined;

/** Where a CostLedger keeps its totals between runs. */
export interface LedgerPersistence {
  /**
   * The stored snapshot, undefined when nothing was stored yet; throws LedgerCorruptError when unreadable and
   * nothing could be recovered.
   */
  load(): Promise<LedgerSnapshot | undefined>;
  /** Replaces what is stored. */
  save(snapshot: LedgerSnapshot): Promise<void>;
  /**
   * Adds `delta` to what is stored, atomically with respect to other processes using the same store, and returns
   * the sum. Optional: without it the ledger saves its whole snapshot (last writer wins). `release` names
   * reservations to drop in the same atomic step (see reserve).
   */
  merge?(delta: LedgerSnapshot, release?: readonly string[]): Promise<LedgerSnapshot>;
  /**
   * Adds `delta` like merge, then lets `decide` look at the sum and at every live reservation of every process
   * and stores the reservation it returns, all atomically with respect to other processes: two checks can then
   * never both see the room only one of them may take. Optional: without it reservations stay in the process.
   */
  reserve?(delta: LedgerSnapshot, decide: ReservationDecision): Promise<{ stored: LedgerSnapshot; reserved: BudgetReservation | undefined }>;
  /**
   * Where to report what the store recovered from without failing (a damaged file restored from its backup): the
   * ledger passes these on as problems, so they are logged. Optional.
   */
  reportProblemsTo?(listener: (problem: CacheError) => void): void;
}
