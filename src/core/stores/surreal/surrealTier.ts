import path from 'node:path';
import { describeError } from '../../errors';
import type { TierOpenContext, TierOpenResult } from '../../tiers/sharedTierDriver';
import { moveDamagedDirectoryAside } from './shared/damagedDirectory';
import { isEmbeddedUrl } from './surrealConnection';
import { SurrealStore } from './surrealStore';

/**
 * Opens the SurrealDB tier from `claudeCache.surreal.*`: the embedded engine in the storage folder by default
 * (shared between this machine's processes through its owner), or a server. A folder SurrealDB itself reports as
 * damaged is moved aside and an empty one started; a busy folder is used once free.
 */
export async function openSurrealTier(context: TierOpenContext): Promise<TierOpenResult> {
  const { config, secrets, logger } = context;
  const url = surrealUrlOf(config);
  const embedded = isEmbeddedUrl(url);
  // Never write readable values where encryption was asked for: the tier stays off instead.
  if (context.keptOff !== undefined) return { opening: { tier: 'surreal', status: 'failed', detail: context.keptOff } };
  if (context.storageProblem !== undefined && embedded) {
    return { opening: { tier: 'surreal', status: 'failed', detail: `the storage folder is not usable (${context.storageProblem})` } };
  }
  const open = () =>
    SurrealStore.open({
      url,
      namespace: config.surreal.namespace,
      database: config.surreal.database,
      ...(config.surreal.username ? { username: config.surreal.username } : {}),
      ...(secrets.surrealPassword ? { password: secrets.surrealPassword } : {}),
      maxEntries: config.surreal.maxEntries,
      tableExtensions: context.databaseFeatures.tableExtensions,
      ...(context.databaseFeatures.keepLeavingRows ? { keepLeavingRows: context.databaseFeatures.keepLeavingRows } : {}),
      // A window reloading while the old one still lets go of the folder must not lose the tier for good.
      keepLooking: true,
      ...(context.oneShot ? { deferOpen: true } : {}),
      clock: context.clock,
    });
  const opened = (store: SurrealStore, detail: string): TierOpenResult => ({
    opened: {
      store,
      opening: { tier: 'surreal', status: 'up', detail },
      // A server other instances use already saw their invalidations; an embedded store is ours alone.
      sharedWithOthers: !embedded,
      reportsOwnHealth: false,
      surreal: { store, embedded },
    },
  });
  try {
    const store = await open();
    const owner = store.servedBy;
    const detail = owner
      ? `${url} (shared; served by process ${owner})`
      : store.waiting
        ? `${url} (busy; used once free)`
        : store.isOpen
          ? url
          : `${url} (opened on the first miss or write; hits come from its entry files)`;
    if (store.waiting) logger.warn(`running without SurrealDB until ${url} is free: ${store.reach}`);
    return opened(store, detail);
  } catch (error) {
    // Only damage SurrealDB itself reported (see SharedSurrealDirectory) moves a directory aside: a busy
    // lock or an owner that does not answer never does, whatever else went wrong.
    const movedTo = await moveDamagedDirectoryAside(url, error);
    if (movedTo === undefined) return { opening: { tier: 'surreal', status: 'failed', detail: describeError(error) } };
    logger.warn(`recovered a damaged SurrealDB folder (${describeError(error)}): moved it to ${movedTo} and started an empty one`);
    try {
      return opened(await open(), `${url} (new; the unreadable one is in ${movedTo})`);
    } catch (again) {
      return { opening: { tier: 'surreal', status: 'failed', detail: describeError(again) } };
    }
  }
}

/** The SurrealDB the config names: a server's URL, or the embedded engine in the storage folder. */
function surrealUrlOf(config: TierOpenContext['config']): string {
  return config.surreal.url || `surrealkv://${path.join(config.storageDir, 'surreal')}`;
}
