import { LAYERS, type Layer } from '../../layers';

/** Put before every key and the invalidation channel unless configured otherwise. */
export const DEFAULT_KEY_PREFIX = 'claude-cache:';

/**
 * Where entries sit in Redis: `${keyPrefix}${layer}:${key}`. Layers never contain ':', so two layers' keys cannot
 * collide, and a configured prefix lets other tools (or other caches) share the same Redis.
 */
export class RedisKeyLayout {
  private readonly prefixes = {} as Record<Layer, string>;

  constructor(readonly keyPrefix: string) {
    for (const layer of LAYERS) this.prefixes[layer] = `${keyPrefix}${layer}:`;
  }

  /** The start of every Redis key of the layer. */
  prefix(layer: Layer): string {
    return this.prefixes[layer];
  }

  /** The Redis key of an entry. */
  key(layer: Layer, key: string): string {
    return this.prefixes[layer] + key;
  }

  /** The entry's key within its layer, from a Redis key found under the layer's prefix. */
  keyOf(layer: Layer, redisKey: string): string {
    return redisKey.slice(this.prefixes[layer].length);
  }

  /**
   * A SCAN MATCH pattern for a glob over one layer's keys. The glob is already limited to the safe key space plus
   * `*` and `?` (assertSafePattern); the prefix is escaped so a configured prefix can never widen the match.
   */
  match(layer: Layer, glob: string): string {
    return escapeGlob(this.prefixes[layer]) + glob;
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, '\\$&');
}
