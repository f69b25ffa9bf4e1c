import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { announceRemoval } from './invalidation';

/** Invalidate All: after a modal confirmation, empties every layer of every tier (and tells other instances). */
export async function invalidateAll(services: ExtensionServices): Promise<void> {
  const engine = await services.host.engine();
  const choice = await vscode.window.showWarningMessage(
    'Remove every cached prompt, module, context and result, from memory, Redis and SurrealDB?',
    { modal: true, detail: 'Cached answers will be paid for again the next time they are asked for.' },
    'Invalidate All',
  );
  if (choice !== 'Invalidate All') return;
  announceRemoval(services, 'everything invalidated', await engine.cache.invalidateAll());
}
