import type { UsageRecord } from './usageRecord';

/** Which records to read back: one workspace's, newer than `since`, newest first, at most `limit`. */
export interface UsageQuery {
  workspace?: string;
  since?: number;
  limit?: number;
}

/** Where the usage log keeps its records: SurrealDB when the tier is up, process memory otherwise. */
export interface UsageStore {
  readonly kind: 'surreal' | 'memory';
  append(records: readonly UsageRecord[]): Promise<void>;
  /** Newest first. */
  read(query: UsageQuery): Promise<UsageRecord[]>;
  /** Deletes records older than `olderThan`, then the oldest beyond `maxRecords`; returns how many went. */
  prune(olderThan: number, maxRecords: number): Promise<number>;
  count(): Promise<number>;
}
