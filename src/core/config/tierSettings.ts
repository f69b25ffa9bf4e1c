import type { ConfigKeys } from './settingSpec';
import type { SettingsUnder } from './settingGroup';
import { HOUR } from './settingUnits';

/** How cache writes reach the slower tiers: at once, or batched behind memory. */
export const WRITE_SETTINGS: Pick<ConfigKeys, 'writeMode'> & SettingsUnder<'writeBehind'> = {
  writeMode: {
    type: 'string',
    default: 'write-through',
    enum: ['write-through', 'write-behind'],
    enumDescriptions: [
      'A put resolves once every tier holds the value.',
      'A put resolves once memory holds it; Redis and SurrealDB are written in batches.',
    ],
    description: 'How cache writes reach the slower tiers.',
  },
  'writeBehind.flushIntervalMs': {
    type: 'integer',
    default: 200,
    minimum: 10,
    maximum: 60000,
    description: 'Longest a write-behind entry waits before it is flushed, in milliseconds.',
  },
  'writeBehind.maxBatch': {
    type: 'integer',
    default: 256,
    minimum: 1,
    maximum: 10000,
    description: 'Most entries written to a slow tier in one write-behind batch.',
  },
};

/** The guard around every storage tier: how long an operation may take, and when its circuit breaker opens. */
export const TIER_GUARD_SETTINGS: SettingsUnder<'tiers'> = {
  'tiers.timeoutMs': {
    type: 'integer',
    default: 250,
    minimum: 1,
    maximum: 60000,
    description: 'Per-operation timeout after which a storage tier counts as failing, in milliseconds.',
  },
  'tiers.breakerThreshold': {
    type: 'integer',
    default: 5,
    minimum: 1,
    maximum: 1000,
    description: "Consecutive failures that open a tier's circuit breaker (the tier is then skipped).",
  },
  'tiers.breakerCooldownMs': {
    type: 'integer',
    default: 5000,
    minimum: 100,
    maximum: HOUR * 1000,
    description: 'How long an open circuit breaker skips its tier before trying it again, in milliseconds.',
  },
};
