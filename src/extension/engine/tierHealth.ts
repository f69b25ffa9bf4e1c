import type { TierOpening } from '../../core/engine';
import type { Tier, TierStatus } from '../../core/layers';

/** A tier's health as the views show it, with the reason when it did not open. */
export interface TierHealth {
  readonly status: TierStatus;
  readonly detail?: string;
}

/**
 * The cache reports a tier that failed to open as off (it has no such tier); the user configured it, so the
 * views call it down and say why (the embedded SurrealDB held by another window, a Redis that refused).
 */
export function tierHealth(
  tier: Tier,
  reported: TierStatus | undefined,
  openings: readonly TierOpening[],
  /** Why the last operation on the tier failed (the report's `reason`), shown while it is degraded or down. */
  reason?: string,
): TierHealth {
  const opening = openings.find((candidate) => candidate.tier === tier);
  if (opening?.status === 'failed') return { status: 'down', detail: opening.detail };
  if (opening?.status === 'off') return { status: 'off', detail: opening.detail };
  if (reason !== undefined && reported !== 'up') return { status: reported ?? 'off', detail: reason };
  if (opening?.liveDetail) return { status: reported ?? 'off', detail: opening.liveDetail() };
  return { status: reported ?? 'off' };
}
