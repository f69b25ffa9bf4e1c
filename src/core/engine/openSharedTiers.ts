import type { Logger } from '../logger';
import type { RemoteTier } from '../tiered/tierTypes';
import type { OpenedSharedTier, TierOpenContext, TierOpening } from '../tiers/sharedTierDriver';
import { SHARED_TIER_DRIVERS, tierLabel } from '../tiers/tierRegistry';

/** A shared tier the engine opened, under its registered name. */
export type OpenTier = OpenedSharedTier & { tier: RemoteTier };

export interface SharedTiersOpened {
  /** Fastest first, as registered. */
  tiers: OpenTier[];
  /** Every tier's opening, memory first: up, off (not configured) or failed (and why). */
  openings: TierOpening[];
}

/**
 * Opens every registered shared tier, in the registry's order. A tier that fails to open is off for this session
 * and the cache runs on the rest; `context.keptOff` (a required encryption key missing) keeps every configured
 * shared tier off, because readable values must never go where encryption was asked for.
 */
export async function openSharedTiers(
  context: TierOpenContext,
  /** Failures the user was already told about (as a problem): the log keeps them without a second warning. */
  alreadyReported: (opening: TierOpening) => boolean,
): Promise<SharedTiersOpened> {
  const openings: TierOpening[] = [{ tier: 'memory', status: 'up', detail: 'in process' }];
  const tiers: OpenTier[] = [];
  for (const driver of SHARED_TIER_DRIVERS) {
    const result = await driver.open(context);
    if ('opened' in result) {
      tiers.push({ ...result.opened, tier: driver.name });
      openings.push(result.opened.opening);
    } else {
      openings.push(result.opening);
    }
  }
  for (const opening of openings) logOpening(context.logger, opening, opening.detail === context.keptOff || alreadyReported(opening));
  return { tiers, openings };
}

function logOpening(logger: Logger, opening: TierOpening, reported: boolean): void {
  if (opening.status !== 'failed') logger.info(`${opening.tier} tier ${opening.status}: ${opening.detail}`);
  else if (reported) logger.info(`${opening.tier} tier off: ${opening.detail}`);
  else logger.warn(`running without ${tierLabel(opening.tier)} this run because ${opening.detail}`);
}
