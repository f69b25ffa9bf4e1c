import * as vscode from 'vscode';
import { isLayer, isTier } from '../../core/layers';
import type { ExtensionServices } from '../services';

/** Opens a tree entry's decoded value as read-only JSON beside the tree. */
export async function openEntry(services: ExtensionServices, node?: unknown): Promise<void> {
  if (typeof node !== 'object' || node === null) return;
  const { layer, tier, entry } = node as { layer?: unknown; tier?: unknown; entry?: { key?: unknown } };
  if (!isLayer(layer) || !isTier(tier) || typeof entry?.key !== 'string') return;
  const document = await vscode.workspace.openTextDocument(services.entries.uriFor(layer, entry.key, tier));
  await vscode.window.showTextDocument(document, { preview: true });
}
