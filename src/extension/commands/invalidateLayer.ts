import * as vscode from 'vscode';
import { LAYERS, isLayer, type Layer } from '../../core/layers';
import type { ExtensionServices } from '../services';
import { LAYER_LABELS } from '../views/tierTreeModel';
import { announceRemoval, confirmRemoval, isLayerNode } from './invalidation';

/** Invalidate Layer...: a layer node from the tree, a layer name, or one picked from a list. */
export async function invalidateLayer(services: ExtensionServices, target?: unknown): Promise<void> {
  const engine = await services.host.engine();
  const layer = isLayerNode(target) ? target.layer : isLayer(target) ? target : await pickLayer(services);
  if (!layer) return;
  // The tree's inline button, its context menu and the palette all confirm once, with the same words.
  if (!(await confirmRemoval(services, { kind: 'layer', layer: LAYER_LABELS[layer] }))) return;
  announceRemoval(services, `${LAYER_LABELS[layer]} layer invalidated`, await engine.cache.invalidateLayer(layer));
}

/** A QuickPick of the four layers, each with its entry count. */
export async function pickLayer(services: ExtensionServices, title = 'Claude Cache: Invalidate Layer'): Promise<Layer | undefined> {
  const report = services.snapshots.latest?.report;
  const chosen = await vscode.window.showQuickPick(
    LAYERS.map((layer) => ({
      label: LAYER_LABELS[layer],
      description: report ? `${report.layers[layer].entries} in memory` : '',
      layer,
    })),
    { title, placeHolder: 'Pick a layer' },
  );
  return chosen?.layer;
}
