/** Runs SurrealQL with bound parameters on the store's own connection; each statement's result in order. */
export type SurrealQueryRunner = <T extends unknown[]>(query: string, bindings: Record<string, unknown>) => Promise<T>;

/**
 * Told by a cleanup pass before it deletes rows, while they can still be read, so it can keep copies (the
 * archive of expired answers). The store builds it with its query runner (SurrealStoreOptions.keepLeavingRows)
 * and never needs to know what it keeps.
 */
export interface LeavingRowsKeeper {
  /** Before the rows that expired by `now` are deleted. */
  keepExpired(now: number): Promise<void>;
  /** Before the `excess` oldest rows are pruned by the entry cap. */
  keepOldest(excess: number): Promise<void>;
}
