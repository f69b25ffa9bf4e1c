import type { CacheConfig } from '../../../config/cacheConfig';
import { ConfigError } from '../../../errors';

/** When the memory tier keeps frequently read entries through LRU eviction. */
export interface PinningPolicy {
  /** Off: every layer is a plain LRU. */
  readonly enabled: boolean;
  /** Decayed reads an entry needs before eviction passes it by. */
  readonly hitThreshold: number;
  /** Largest share (0..1) of each layer's byte budget that pinned entries may hold. */
  readonly maxShare: number;
  /** Every half-life, an entry's earlier reads count for half as much (so once-hot entries cool off). */
  readonly halfLifeMs: number;
}

export const NO_PINNING: PinningPolicy = Object.freeze({ enabled: false, hitThreshold: 1, maxShare: 0, halfLifeMs: 60_000 });

/** The policy, or ConfigError naming the first field out of range. */
export function checkPinningPolicy(policy: PinningPolicy): PinningPolicy {
  if (!Number.isFinite(policy.hitThreshold) || policy.hitThreshold < 1) {
    throw new ConfigError('pinning.hitThreshold', `must be a read count >= 1, got ${String(policy.hitThreshold)}`);
  }
  if (!Number.isFinite(policy.maxShare) || policy.maxShare < 0 || policy.maxShare > 1) {
    throw new ConfigError('pinning.maxShare', `must be a share between 0 and 1, got ${String(policy.maxShare)}`);
  }
  if (!Number.isFinite(policy.halfLifeMs) || policy.halfLifeMs <= 0) {
    throw new ConfigError('pinning.halfLifeMs', `must be a duration > 0, got ${String(policy.halfLifeMs)}`);
  }
  return Object.freeze({ ...policy });
}

/** The policy the `claudeCache.pinning.*` settings describe. */
export function pinningPolicyOf(settings: CacheConfig['pinning']): PinningPolicy {
  return {
    enabled: settings.enabled,
    hitThreshold: settings.hitThreshold,
    maxShare: settings.maxSharePercent / 100,
    halfLifeMs: settings.halfLifeMinutes * 60_000,
  };
}
