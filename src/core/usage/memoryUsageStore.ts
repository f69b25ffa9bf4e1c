import type { UsageRecord } from './usageRecord';
import type { UsageQuery, UsageStore } from './usageStore';

/** The usage log's fallback when SurrealDB is off: this process's records only, in arrival order. */
export class MemoryUsageStore implements UsageStore {
  readonly kind = 'memory' as const;
  private records: UsageRecord[] = [];

  async append(records: readonly UsageRecord[]): Promise<void> {
    this.records.push(...records.map((record) => structuredClone(record)));
  }

  async read(query: UsageQuery): Promise<UsageRecord[]> {
    const matching = this.records.filter(
      (record) =>
        (query.workspace === undefined || record.workspace === query.workspace) &&
        (query.since === undefined || record.at >= query.since),
    );
    matching.sort((a, b) => b.at - a.at);
    return matching.slice(0, query.limit ?? matching.length).map((record) => structuredClone(record));
  }

  async prune(olderThan: number, maxRecords: number): Promise<number> {
    const before = this.records.length;
    this.records = this.records.filter((record) => record.at >= olderThan);
    if (this.records.length > maxRecords) {
      this.records.sort((a, b) => a.at - b.at);
      this.records = this.records.slice(this.records.length - maxRecords);
    }
    return before - this.records.length;
  }

  async count(): Promise<number> {
    return this.records.length;
  }
}
