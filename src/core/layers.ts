/** The four logical cache layers, in the order a workflow run consults them. */
export const LAYERS = ['prompt', 'module', 'context', 'result'] as const;
export type Layer = (typeof LAYERS)[number];

/** The three storage tiers under every layer, fastest first. */
export const TIERS = ['memory', 'redis', 'surreal'] as const;
export type Tier = (typeof TIERS)[number];

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
