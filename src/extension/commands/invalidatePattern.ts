import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { LAYERS, type Layer } from '../../core/layers';
import { assertSafePattern } from '../../core/keys/pattern';
import type { ExtensionServices } from '../services';
import { LAYER_LABELS } from '../views/tierTreeModel';
import { announceRemoval, confirmRemoval } from './invalidation';

/** Invalidate by Pattern...: a glob over keys (`review-file:*`), in one layer or all of them. */
export async function invalidatePattern(services: ExtensionServices): Promise<void> {
  const engine = await services.host.engine();
  const pattern = await vscode.window.showInputBox({
    title: 'Claude Cache: Invalidate by Pattern',
    prompt: 'A key pattern: * matches any run of characters, ? one character (e.g. review-file:* or frontend:*)',
    placeHolder: 'review-file:*',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') return 'Type a pattern';
      try {
        assertSafePattern(value.trim());
        return undefined;
      } catch (error) {
        return describeError(error);
      }
    },
  });
  if (pattern === undefined) return;
  const scope = await vscode.window.showQuickPick(
    [
      { label: 'All layers', layer: null as Layer | null },
      ...LAYERS.map((layer) => ({ label: LAYER_LABELS[layer], layer: layer as Layer | null })),
    ],
    { title: 'Claude Cache: Invalidate by Pattern', placeHolder: `Remove keys matching ${pattern.trim()} from` },
  );
  if (!scope) return;
  const layer = scope.layer === null ? null : LAYER_LABELS[scope.layer];
  if (!(await confirmRemoval(services, { kind: 'pattern', pattern: pattern.trim(), layer }))) return;
  const event = await engine.cache.invalidatePattern(pattern.trim(), scope.layer);
  announceRemoval(services, `keys matching ${pattern.trim()} invalidated`, event);
}
