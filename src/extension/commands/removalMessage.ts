import { TIERS } from '../../core/layers';
import type { InvalidationEvent } from '../../core/tiered/tierTypes';

/** One line saying what an invalidation removed, tier by tier. */
export function describeRemoval(what: string, event: InvalidationEvent): string {
  const total = TIERS.reduce((sum, tier) => sum + event.removed[tier], 0);
  const detail = TIERS.filter((tier) => event.removed[tier] > 0)
    .map((tier) => `${event.removed[tier]} from ${tier}`)
    .join(', ');
  return `Claude Cache: ${what}: ${total} entr${total === 1 ? 'y' : 'ies'} removed${detail ? ` (${detail})` : ''}.`;
}
