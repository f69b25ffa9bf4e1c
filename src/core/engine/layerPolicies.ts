import type { CacheConfig } from '../config';
import { LAYERS, type Layer } from '../layers';
import type { LayerPolicy } from '../tiered/tierTypes';

/** Each layer's TTL and largest entry, from the settings. */
export function layerPolicies(config: CacheConfig): Record<Layer, LayerPolicy> {
  const policies = {} as Record<Layer, LayerPolicy>;
  for (const layer of LAYERS) {
    policies[layer] = {
      ttlMs: config.layers[layer].ttlSeconds * 1000,
      maxEntryBytes: Math.round(config.layers[layer].maxEntryMB * 1024 * 1024),
    };
  }
  return policies;
}

/** Each layer's memory budget in bytes, from the settings. */
export function memoryBudgets(config: CacheConfig): Record<Layer, number> {
  const budgets = {} as Record<Layer, number>;
  for (const layer of LAYERS) budgets[layer] = Math.round(config.layers[layer].memoryBudgetMB * 1024 * 1024);
  return budgets;
}
