import { isLayer, isTier } from '../../core/layers';
import type { EntryInfo } from '../../core/stores/store';
import type { ExtensionServices } from '../services';
import { entryInspectionText } from '../views/entryInspection';

/** Inspect Entry (tree entries): the entry's metadata and a preview of its value, in a read-only document. */
export async function inspectEntry(services: ExtensionServices, node?: unknown): Promise<void> {
  if (typeof node !== 'object' || node === null) return;
  const { layer, tier, entry } = node as { layer?: unknown; tier?: unknown; entry?: EntryInfo };
  if (!isLayer(layer) || !isTier(tier) || typeof entry?.key !== 'string') return;
  const engine = await services.host.engine();
  // Uncounted: looking at an entry is not a lookup, and must not make it look hot to the pinning.
  const hit = await engine.cache.get(layer, entry.key, { uncounted: true });
  const text = entryInspectionText({ layer, tier, entry, value: hit?.value, found: hit !== undefined }, Date.now());
  await services.readOnlyDocs.show(`inspect ${entry.key.slice(0, 40)}.md`, text);
}
