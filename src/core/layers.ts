import { SHARED_TIER_DRIVERS, type SharedTierName } from './tiers/tierRegistry';

/** The four logical cache layers, in the order a workflow run consults them. */
export const LAYERS = ['prompt', 'module', 'context', 'result'] as const;
export type Layer = (typeof LAYERS)[number];

/** The storage tiers under every layer, fastest first: this process's memory, then the registered shared tiers. */
export type Tier = 'memory' | SharedTierName;
export const TIERS: readonly Tier[] = ['memory', ...SHARED_TIER_DRIVERS.map((driver) => driver.name)];
/** The tiers beyond this process's memory, fastest first. */
export const SHARED_TIERS: readonly SharedTierName[] = SHARED_TIER_DRIVERS.map((driver) => driver.name);

/**
 * up: answering; degraded: failing or tripped, skipped until it recovers;
 * down: configured but never connected; off: not configured.
 */
export type TierStatus = 'up' | 'degraded' | 'down' | 'off';

export function isLayer(value: unknown): value is Layer {
  return typeof value === 'string' && (LAYERS as readonly string[]).includes(value);
}

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

/** A record with one entry per tier, so a tier added to the registry gets its entry everywhere at once. */
export function perTier<V>(valueOf: (tier: Tier) => V): Record<Tier, V> {
  return Object.fromEntries(TIERS.map((tier) => [tier, valueOf(tier)])) as Record<Tier, V>;
}
