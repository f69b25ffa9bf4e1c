import { ManualClock } from '../../src/core/clock';
import { decodeValue, encodeValue } from '../../src/core/codec';
import { LAYERS, type Layer } from '../../src/core/layers';
import { MemoryStore } from '../../src/core/stores/memory/memoryStore';
import { TieredCache } from '../../src/core/tiered/tieredCache';
import type { LayerPolicy } from '../../src/core/tiered/tierTypes';

/** A TieredCache over memory alone, on a manual clock: every layer `ttlMs` long and room for 1 MB per layer. */
export async function memoryOnlyCache(options: { ttlMs?: number; clock?: ManualClock } = {}): Promise<{ cache: TieredCache; memory: MemoryStore; clock: ManualClock }> {
  const clock = options.clock ?? new ManualClock();
  const layers = {} as Record<Layer, LayerPolicy>;
  for (const layer of LAYERS) layers[layer] = { ttlMs: options.ttlMs ?? 60_000, maxEntryBytes: 1_000_000 };
  const memory = new MemoryStore({ budgets: { prompt: 1e6, module: 1e6, context: 1e6, result: 1e6 }, clock });
  const cache = await TieredCache.create({ memory, codec: { encode: encodeValue, decode: decodeValue }, layers, clock });
  return { cache, memory, clock };
}
