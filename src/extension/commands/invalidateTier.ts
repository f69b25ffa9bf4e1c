import type { Layer, Tier } from '../../core/layers';
import type { ExtensionServices } from '../services';
import { LAYER_LABELS, TIER_LABELS } from '../views/tierTreeModel';
import { announceRemoval, confirmRemoval } from './invalidation';

/** Invalidate Tier (tree only): empties one tier of one layer; the other tiers keep their copies. */
export async function invalidateTier(services: ExtensionServices, target?: unknown): Promise<void> {
  if (!isTierNode(target)) return;
  if (!(await confirmRemoval(services, { kind: 'tier', layer: LAYER_LABELS[target.layer], tier: target.tier }))) return;
  const engine = await services.host.engine();
  const event = await engine.cache.clearTier(target.layer, target.tier);
  announceRemoval(services, `${TIER_LABELS[target.tier]} tier of the ${LAYER_LABELS[target.layer]} layer emptied`, event);
}

function isTierNode(value: unknown): value is { kind: 'tier'; layer: Layer; tier: Tier } {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tier';
}
