import * as vscode from 'vscode';
import type { Layer } from '../../core/layers';
import type { InvalidationEvent } from '../../core/tiered/tierTypes';
import type { ExtensionServices } from '../services';
import { describeRemoval } from './removalMessage';

/** Reports an invalidation in the log and as a transient status-bar message, and repaints the views now. */
export function announceRemoval(services: ExtensionServices, what: string, event: InvalidationEvent): void {
  const message = describeRemoval(what, event);
  services.logger.info(message);
  vscode.window.setStatusBarMessage(`$(trash) ${message}`, 5_000);
  services.host.refreshNow();
}

export function isLayerNode(value: unknown): value is { kind: 'layer'; layer: Layer } {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'layer';
}
