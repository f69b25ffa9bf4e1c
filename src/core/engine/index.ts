// The engine: built from one CacheConfig (buildEngine.ts) and used through EngineApi by the extension and the CLI.
export { CacheEngine } from './cacheEngine';
export type { EngineApi, HostedEngine } from './engineApi';
export type { EngineOptions } from './engineOptions';
export type { EngineStats } from './engineStats';
export type { PrewarmFromUsageOptions, PrewarmItem, PrewarmOptions, PrewarmOutcome } from './enginePrewarm';
export { layerPolicies, memoryBudgets } from './layerPolicies';
export type { TierOpening } from '../tiers/sharedTierDriver';
