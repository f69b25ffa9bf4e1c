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
