import type { Layer, Tier } from '../../core/layers';
import type { EntryInfo } from '../../core/stores/store';
import { formatBytes, formatDuration } from '../format';
import { entryJson } from './entryJson';
import { LAYER_LABELS, TIER_LABELS } from './tierTreeModel';

/** How much of a value the inspection shows; the entry itself opens whole with Open Entry. */
export const PREVIEW_CHARS = 4_000;

/** What Inspect Entry shows: the entry's metadata, then the start of its decoded value. */
export interface EntryInspection {
  layer: Layer;
  tier: Tier;
  entry: EntryInfo;
  /** The decoded value, or undefined when it is no longer cached. */
  value: unknown;
  found: boolean;
}

/** A markdown document describing one cache entry: where it lives, its size, age, expiry, reads, pinning and value. */
export function entryInspectionText(inspection: EntryInspection, now: number): string {
  const { layer, tier, entry } = inspection;
  const rows: Array<[string, string]> = [
    ['Layer', LAYER_LABELS[layer]],
    ['Tier', TIER_LABELS[tier]],
    ['Size', `${formatBytes(entry.size)} (${entry.size} bytes)`],
    ['Created', `${new Date(entry.createdAt).toISOString()} (${formatDuration(Math.max(0, now - entry.createdAt))} ago)`],
    [
      'Expires',
      `${new Date(entry.expiresAt).toISOString()} (${entry.expiresAt > now ? `in ${formatDuration(entry.expiresAt - now)}` : 'expired'})`,
    ],
    ['Hits', entry.hits === undefined ? 'not counted by this tier' : String(entry.hits)],
    ['Pinned', tier !== 'memory' ? 'not applicable (only memory pins)' : entry.pinned === true ? 'yes: read often, kept ahead of LRU order' : 'no'],
  ];
  const lines = [`# Cache entry \`${entry.key}\``, '', '| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${value} |`), ''];
  if (!inspection.found) {
    lines.push('_The value is no longer cached (expired or invalidated since the tree was drawn)._', '');
    return lines.join('\n');
  }
  const json = entryJson(inspection.value);
  const preview = json.length > PREVIEW_CHARS ? `${json.slice(0, PREVIEW_CHARS)}\n… (${json.length - PREVIEW_CHARS} more characters; Open Entry shows it all)` : json;
  lines.push('## Value preview', '', '```json', preview, '```', '');
  return lines.join('\n');
}
