import type { ExtensionServices } from '../services';
import { announceRemoval, confirmRemoval } from './invalidation';

/** Invalidate All: after a modal confirmation, empties every layer of every tier (and tells other instances). */
export async function invalidateAll(services: ExtensionServices): Promise<void> {
  const engine = await services.host.engine();
  if (!(await confirmRemoval(services, { kind: 'all' }))) return;
  announceRemoval(services, 'everything invalidated', await engine.cache.invalidateAll());
}
