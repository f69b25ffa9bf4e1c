import { assertSafeKey, assertSafePattern } from '../../keys/pattern';
import { isLayer } from '../../layers';
import type { InvalidationMessage } from '../../tiered/invalidationBus';

const MAX_ORIGIN_LENGTH = 200;

/**
 * Reads one bus message from the wire. Anything that is not exactly an InvalidationMessage (bad JSON, an
 * unknown kind, a layer or key outside the safe space) gives undefined: another instance, an older version or a
 * stray publisher must never make this one drop the wrong entries.
 */
export function parseInvalidationMessage(text: string): InvalidationMessage | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { origin, kind, layer, key, pattern } = data as Record<string, unknown>;
  if (typeof origin !== 'string' || origin.length === 0 || origin.length > MAX_ORIGIN_LENGTH) return undefined;
  switch (kind) {
    case 'all':
      return { origin, kind };
    case 'layer':
      return isLayer(layer) ? { origin, kind, layer } : undefined;
    case 'key':
      return isLayer(layer) && passes(key, assertSafeKey) ? { origin, kind, layer, key } : undefined;
    case 'pattern':
      return (layer === null || isLayer(layer)) && passes(pattern, assertSafePattern)
        ? { origin, kind, layer, pattern }
        : undefined;
    default:
      return undefined;
  }
}

function passes(text: unknown, assert: (text: string) => string): text is string {
  if (typeof text !== 'string') return false;
  try {
    assert(text);
    return true;
  } catch {
    return false;
  }
}
