import * as vscode from 'vscode';
import { TIERS, type Layer } from '../../core/layers';
import type { ExtensionServices } from '../services';
import { ENTRIES_PER_TIER, entryLabel } from '../views/tierTreeModel';
import { pickLayer } from './invalidateLayer';
import { announceRemoval, confirmRemoval } from './invalidation';

interface EntryTarget {
  layer: Layer;
  key: string;
}

/** Invalidate Entry: an entry node from the tree, or a layer and one of its recent entries picked from lists. */
export async function invalidateEntry(services: ExtensionServices, target?: unknown): Promise<void> {
  const engine = await services.host.engine();
  const entry = entryTarget(target) ?? (await pickEntry(services));
  if (!entry) return;
  if (!(await confirmRemoval(services, { kind: 'entry', label: entryLabel(entry.key) }))) return;
  announceRemoval(services, `entry ${entryLabel(entry.key)} invalidated`, await engine.cache.invalidate(entry.layer, entry.key));
}

function entryTarget(value: unknown): EntryTarget | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const node = value as { kind?: unknown; layer?: Layer; entry?: { key?: unknown } };
  if (node.kind !== 'entry' || !node.layer || typeof node.entry?.key !== 'string') return undefined;
  return { layer: node.layer, key: node.entry.key };
}

async function pickEntry(services: ExtensionServices): Promise<EntryTarget | undefined> {
  const layer = await pickLayer(services, 'Claude Cache: Invalidate Entry');
  if (!layer) return undefined;
  const engine = await services.host.engine();
  const seen = new Map<string, vscode.QuickPickItem & { key: string }>();
  for (const tier of TIERS) {
    for (const entry of await engine.cache.entries(layer, tier, ENTRIES_PER_TIER).catch(() => [])) {
      const known = seen.get(entry.key);
      if (known) known.description = `${known.description}, ${tier}`;
      else seen.set(entry.key, { label: entryLabel(entry.key), description: tier, detail: entry.key, key: entry.key });
    }
  }
  if (seen.size === 0) {
    void vscode.window.showInformationMessage(`Claude Cache: the ${layer} layer holds no entries.`);
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick([...seen.values()], {
    title: 'Claude Cache: Invalidate Entry',
    placeHolder: 'Pick an entry',
    matchOnDetail: true,
  });
  return chosen ? { layer, key: chosen.key } : undefined;
}
