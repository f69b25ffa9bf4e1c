import { perTier, TIERS, type Tier } from '../../core/layers';
import type { InvalidationEvent } from '../../core/tiered/tierTypes';
import { tierLabel } from '../../core/tiers/tierRegistry';

/** Tier names inside a sentence: "3 from memory, 1 from Redis". */
const TIER_NAMES: Readonly<Record<Tier, string>> = perTier((tier) => (tier === 'memory' ? 'memory' : tierLabel(tier)));

/**
 * One line saying what an invalidation removed, naming every tier it touched (`tiersOn`: the tiers that are
 * configured; memory always is), zeros included, and the tiers it could not reach, which may still hold entries.
 */
export function describeRemoval(what: string, event: InvalidationEvent, tiersOn: readonly Tier[] = ['memory']): string {
  const total = TIERS.reduce((sum, tier) => sum + event.removed[tier], 0);
  const touched = TIERS.filter((tier) => !event.unreachable.includes(tier) && (tiersOn.includes(tier) || event.removed[tier] > 0));
  const detail = touched.map((tier) => `${event.removed[tier]} from ${TIER_NAMES[tier]}`).join(', ');
  const unreachable =
    event.unreachable.length > 0
      ? `; ${event.unreachable.map((tier) => TIER_NAMES[tier]).join(' and ')} could not be reached and may still hold some`
      : '';
  return `Claude Cache: ${what}: ${total} entr${total === 1 ? 'y' : 'ies'} removed (${detail}${unreachable}).`;
}

/** What a destructive command is about to remove, for its confirmation. */
export type RemovalScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'layer'; readonly layer: string }
  | { readonly kind: 'tier'; readonly layer: string; readonly tier: Tier }
  | { readonly kind: 'entry'; readonly label: string }
  | { readonly kind: 'pattern'; readonly pattern: string; readonly layer: string | null };

/** The confirmation every entry point (palette, tree menu, inline button) shows for one kind of removal. */
export interface RemovalConfirmation {
  readonly message: string;
  readonly detail: string;
  readonly button: string;
}

/** One wording per kind of removal, whichever button or menu asked for it. */
export function removalConfirmation(scope: RemovalScope, tiersOn: readonly Tier[] = ['memory']): RemovalConfirmation {
  const where = tierList(scope.kind === 'tier' ? [scope.tier] : tiersOn);
  const detail = 'Answers removed are paid for again the next time they are asked for. Other windows and CLI runs sharing the cache are told.';
  switch (scope.kind) {
    case 'all':
      return { message: `Remove every cached prompt, context, module and answer from ${where}?`, detail, button: 'Invalidate All' };
    case 'layer':
      return { message: `Remove every entry of the ${scope.layer} layer from ${where}?`, detail, button: 'Invalidate' };
    case 'tier':
      return {
        message: `Remove every entry of the ${scope.layer} layer from ${where}? The other tiers keep their copies.`,
        detail,
        button: 'Invalidate',
      };
    case 'entry':
      return { message: `Remove the cached entry ${scope.label} from ${where}?`, detail, button: 'Invalidate' };
    case 'pattern':
      return {
        message: `Remove the keys matching ${scope.pattern} from ${scope.layer ? `the ${scope.layer} layer` : 'every layer'} in ${where}?`,
        detail,
        button: 'Invalidate',
      };
  }
}

function tierList(tiers: readonly Tier[]): string {
  const names = tiers.map((tier) => TIER_NAMES[tier]);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
