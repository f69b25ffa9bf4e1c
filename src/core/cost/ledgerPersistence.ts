import type { LedgerSnapshot } from './ledgerSnapshot';

/** Where a CostLedger keeps its totals between runs. */
export interface LedgerPersistence {
  /** The stored snapshot, undefined when nothing was stored yet; throws LedgerCorruptError when unreadable. */
  load(): Promise<LedgerSnapshot | undefined>;
  save(snapshot: LedgerSnapshot): Promise<void>;
}
