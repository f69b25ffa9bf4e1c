import * as vscode from 'vscode';
import { TIERS, type Layer, type Tier } from '../../core/layers';
import type { InvalidationEvent } from '../../core/tiered/tierTypes';
import type { ExtensionServices } from '../services';
import { describeRemoval, removalConfirmation, type RemovalScope } from './removalMessage';

/** Reports an invalidation in the log and as a transient status-bar message, and repaints the views now. */
export function announceRemoval(services: ExtensionServices, what: string, event: InvalidationEvent): void {
  const message = describeRemoval(what, event, tiersOn(services));
  services.logger.info(message);
  vscode.window.setStatusBarMessage(`$(trash) ${message}`, 8_000);
  services.host.refreshNow();
}

/** Asks once, in a modal, with the wording of removalConfirmation; true when the user agreed. */
export async function confirmRemoval(services: ExtensionServices, scope: RemovalScope): Promise<boolean> {
  const { message, detail, button } = removalConfirmation(scope, tiersOn(services));
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, button)) === button;
}

/** The tiers that are configured (memory always is), from the latest snapshot. */
function tiersOn(services: ExtensionServices): Tier[] {
  const health = services.snapshots.latest?.health;
  return TIERS.filter((tier) => tier === 'memory' || (health !== undefined && health[tier].status !== 'off'));
}

export function isLayerNode(value: unknown): value is { kind: 'layer'; layer: Layer } {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'layer';
}
