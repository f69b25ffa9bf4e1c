import type { LedgerSnapshot } from './ledgerSnapshot';

/** Where a CostLedger keeps its totals between runs. */
export interface LedgerPersistence {
  /** The stored snapshot, undefined when nothing was stored yet; throws LedgerCorruptError when unreadable. */
  load(): Promise<LedgerSnapshot | undefined>;
  /** Replaces what is stored. */
  save(snapshot: LedgerSnapshot): Promise<void>;
  /**
   * Adds `delta` to what is stored, atomically with respect to other processes using the same store, and returns
   * the sum. Optional: without it the ledger saves its whole snapshot (last writer wins).
   */
  merge?(delta: LedgerSnapshot): Promise<LedgerSnapshot>;
}
