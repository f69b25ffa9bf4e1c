import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { isLayer, type Layer, type Tier } from '../../core/layers';
import type { EngineHost } from '../engine/engineHost';
import { Disposable } from '../lifecycle';
import { entryJson } from './entryJson';

/** URI scheme of the read-only entry documents. */
export const ENTRY_SCHEME = 'claude-cache-entry';

/** Shows a cached entry's decoded value as read-only JSON (read through the cache, so it may be promoted). */
export class EntryDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  constructor(private readonly host: EngineHost) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(ENTRY_SCHEME, this));
  }

  uriFor(layer: Layer, key: string, tier: Tier): vscode.Uri {
    return vscode.Uri.from({ scheme: ENTRY_SCHEME, path: `/${layer}/${key}.json`, query: `tier=${tier}` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, layer, file = ''] = uri.path.split('/');
    const key = file.replace(/\.json$/, '');
    if (!isLayer(layer) || key === '') return note('not a cache entry address');
    try {
      const engine = await this.host.engine();
      const hit = await engine.cache.get(layer, key, { uncounted: true });
      if (!hit) return note(`the ${layer} entry ${key} is no longer cached (expired or invalidated)`);
      return `${entryJson(hit.value)}\n`;
    } catch (error) {
      return note(`could not read the ${layer} entry ${key}: ${describeError(error)}`);
    }
  }
}

/** The document stays valid JSON when there is no value to show. */
function note(message: string): string {
  return `${JSON.stringify({ note: message }, null, 2)}\n`;
}
