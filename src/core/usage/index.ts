export { MemoryUsageStore } from './memoryUsageStore';
export { SurrealUsageStore, type SurrealQuery } from './surrealUsageStore';
export { UsageLog, type UsageLogOptions } from './usageLog';
export { requestIdentity, usageRecordOf, type UsageRecord, type UsageRequest, type UsageStep } from './usageRecord';
export type { UsageQuery, UsageStore } from './usageStore';
export { prewarmCandidates, type PrewarmCandidate } from './prewarmCandidates';
export { prewarmFromUsage, type UsagePrewarmDependencies, type UsagePrewarmOptions, type UsagePrewarmReport } from './usagePrewarm';
