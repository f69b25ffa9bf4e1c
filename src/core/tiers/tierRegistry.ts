import type { CacheConfig } from '../config/cacheConfig';
import type { SharedTierDriver, TierOpenContext, TierOpenResult } from './sharedTierDriver';

/**
 * The shared tiers, fastest first: a lookup asks memory, then each of these in order; a hit is copied into every
 * faster tier. Adding a tier is a folder under stores/ with its Store and its open function, and one entry here
 * (ARCHITECTURE.md). Each driver's code is imported when the tier is opened, so a tier that is off costs nothing
 * to load (ioredis is never loaded without a Redis URL), and this list can sit under layers.ts without a cycle.
 */
export const SHARED_TIER_DRIVERS = [
  {
    name: 'redis',
    label: 'Redis',
    settings: 'claudeCache.redis',
    configSection: 'redis',
    open: async (context: TierOpenContext): Promise<TierOpenResult> =>
      (await import('../stores/redis/redisTier')).openRedisTier(context),
  },
  {
    name: 'surreal',
    label: 'SurrealDB',
    settings: 'claudeCache.surreal',
    configSection: 'surreal',
    open: async (context: TierOpenContext): Promise<TierOpenResult> =>
      (await import('../stores/surreal/surrealTier')).openSurrealTier(context),
  },
] as const satisfies readonly SharedTierDriver[];

export type SharedTierName = (typeof SHARED_TIER_DRIVERS)[number]['name'];

const MEMORY_LABEL = 'Memory';

/** The name people read for a tier ("Redis", "SurrealDB", "Memory"); an unknown name reads as itself. */
export function tierLabel(tier: string): string {
  if (tier === 'memory') return MEMORY_LABEL;
  return SHARED_TIER_DRIVERS.find((driver) => driver.name === tier)?.label ?? tier;
}

/** Every registered tier's part of the config: when any of it changes, the tiers are opened again. */
export function tierConfigSections(config: CacheConfig): unknown[] {
  return SHARED_TIER_DRIVERS.map((driver) => config[driver.configSection]);
}

/** The settings section where a problem with the tier is fixed. */
export function tierSettings(tier: SharedTierName): string {
  return SHARED_TIER_DRIVERS.find((driver) => driver.name === tier)?.settings ?? `claudeCache.${tier}`;
}
