import type { ExtensionServices } from '../services';

/** Refresh: reads the cache report now (views normally repaint on their own from engine events). */
export async function refresh(services: ExtensionServices): Promise<void> {
  await services.snapshots.refresh();
}
