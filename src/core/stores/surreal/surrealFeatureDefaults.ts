import { SurrealArchive } from '../../archive/surrealArchive';
import type { Clock } from '../../clock';
import { SIMILAR_TABLE_EXTENSION } from '../../similar/similarSchema';
import type { LeavingRowsKeeper, SurrealQueryRunner } from './leavingRowsKeeper';
import type { SurrealTableExtension } from './surrealSchema';

// TRANSITIONAL: what SurrealStore.open did for its callers while it still built the archive and defined the
// similar-answer index itself. The store takes both from whoever opens it now (tableExtensions, keepLeavingRows);
// this file answers for callers that do not pass them yet (engine.ts). Delete it, with SurrealStoreOptions.
// archiveMaxEntries and SurrealStore.archive, once every caller passes the features.

/** The extensions a store gets when its caller names none: the similar-answer index, as before. */
export const DEFAULT_TABLE_EXTENSIONS: readonly SurrealTableExtension[] = [SIMILAR_TABLE_EXTENSION];

/** The archive as a keeper of leaving rows, when `maxEntries` > 0. */
export function archiveKeeper(
  maxEntries: number | undefined,
  clock: Clock,
): ((run: SurrealQueryRunner) => SurrealArchive) | undefined {
  const max = Math.floor(maxEntries ?? 0);
  return max > 0 ? (run) => new SurrealArchive(run, { maxEntries: max, clock }) : undefined;
}

/** The keeper when it is the archive. */
export function archiveOf(keeper: LeavingRowsKeeper | undefined): SurrealArchive | undefined {
  return keeper instanceof SurrealArchive ? keeper : undefined;
}
