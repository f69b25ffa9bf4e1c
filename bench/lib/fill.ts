import type { TieredCache } from '../../src/core/tiered/tieredCache';
import type { PeerCache } from './peers';

const CHUNK = 200;

/** Writes `keys[i] -> values[i % values.length]` into the result layer through every tier, in batches. */
export async function fillOurs(cache: TieredCache, keys: readonly string[], values: readonly unknown[]): Promise<void> {
  for (let start = 0; start < keys.length; start += CHUNK) {
    const entries = keys.slice(start, start + CHUNK).map((key, offset) => ({ key, value: values[(start + offset) % values.length] }));
    const written = await cache.setMany('result', entries);
    if (written !== entries.length) throw new Error(`only ${written} of ${entries.length} entries were stored`);
  }
  await cache.flush();
}

/** The same through a peer's own set (the libraries have no bulk write worth the name for two tiers). */
export async function fillPeer(peer: PeerCache, keys: readonly string[], values: readonly unknown[]): Promise<void> {
  for (let start = 0; start < keys.length; start += CHUNK) {
    await Promise.all(keys.slice(start, start + CHUNK).map((key, offset) => peer.set(key, values[(start + offset) % values.length])));
  }
}

export function keyList(prefix: string, count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + offset}`);
}

/** A compute that must never run: a hit figure that needed it would be measuring something else. */
export function mustNotCompute(): never {
  throw new Error('a hit case computed a value: the key was not where the case put it');
}

/**
 * Reads `keys` through a peer's get and fails unless every read was a hit in `tier`: proof that a case times
 * the tier it names (a library that silently missed its memory tier would otherwise be timed on Redis).
 */
export async function assertPeerTier(peer: PeerCache, keys: readonly string[], tier: 'memory' | 'redis'): Promise<void> {
  const seen: string[] = [];
  const stop = peer.watchHits((hit) => seen.push(hit));
  try {
    for (const key of keys) {
      if ((await peer.probe(key)) === undefined) throw new Error(`${peer.name}: ${key} missed`);
    }
  } finally {
    stop();
  }
  const wrong = seen.filter((hit) => hit !== tier).length;
  if (seen.length !== keys.length || wrong > 0) {
    throw new Error(`${peer.name}: expected ${keys.length} ${tier} hits, saw ${seen.length} hits of which ${wrong} elsewhere`);
  }
}
