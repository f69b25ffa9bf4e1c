import type { SharedFlight } from '../flight';
import type { Tier } from '../layers';
import type { TieredCache } from '../tiered/tieredCache';
import type { LookupStatus } from '../tiered/tierTypes';
import { UncachedAnswer } from '../uncachedAnswer';
import type { CachedAnswer } from './runTypes';

/** The cache the answer is looked up in, and the flight across instances sharing Redis (none without Redis). */
export interface FlightLookupDependencies {
  cache: TieredCache;
  flight?: Pick<SharedFlight, 'run'> | undefined;
}

/** How a paid-for layer (module or result) found its answer. */
export interface FlightLookup {
  answer: CachedAnswer;
  /** The tier that answered, `compute` when this run paid for it, `joined` when another run's was shared. */
  source: Tier | 'compute' | 'joined';
  /** The answer is not whole (cut off or refused): delivered as it is, stored nowhere. */
  uncached: boolean;
}

/**
 * The answer of a module or of the result: from a tier when one holds it, else from `call`, paid for once per key
 * in this process (TieredCache's single flight) and once across the instances sharing Redis (the shared flight).
 */
export async function lookupWithFlight(
  deps: FlightLookupDependencies,
  layer: 'result' | 'module',
  key: string,
  call: () => Promise<CachedAnswer>,
  shareable: (value: unknown) => boolean,
): Promise<FlightLookup> {
  const status: LookupStatus = {};
  const shared = { joined: false, stored: false };
  try {
    const answer = await deps.cache.getOrCompute(layer, key, sharedAcrossInstances(deps, layer, key, call, shareable, shared), {
      status,
      sharedTiers: shareable,
      storedByCompute: () => shared.stored,
    });
    return { answer, source: shared.joined && status.source === 'compute' ? 'joined' : (status.source ?? 'compute'), uncached: false };
  } catch (error) {
    // A cut-off answer or a refusal reaches the user as it is, and never the cache.
    if (!(error instanceof UncachedAnswer)) throw error;
    return { answer: error.answer, source: 'compute', uncached: true };
  }
}

/**
 * Wraps a Claude call so that instances sharing Redis pay for one entry once: the lock holder calls Claude and
 * puts the answer in Redis before it lets go (also in write-behind mode); the others read it there and mark
 * `joined`. Without a flight (no Redis) the call is returned as it is.
 */
function sharedAcrossInstances(
  { cache, flight }: FlightLookupDependencies,
  layer: 'result' | 'module',
  key: string,
  call: () => Promise<CachedAnswer>,
  shareable: (value: unknown) => boolean,
  outcome: { joined: boolean; stored: boolean },
): () => Promise<CachedAnswer> {
  if (!flight) return call;
  return async () => {
    const shared = await flight.run<CachedAnswer>(layer, key, {
      compute: call,
      read: async () => (await cache.get<CachedAnswer>(layer, key, { uncounted: true }))?.value,
      share: async (value) => {
        if (!shareable(value)) return false;
        // Stored here, before the lock goes; the cache must not write (nor refuse) the same answer again.
        outcome.stored = true;
        return cache.set(layer, key, value, { sharedTiers: true, writeThrough: true });
      },
    });
    outcome.joined = shared.joined;
    // A joiner's read promoted the answer into this process's memory already.
    if (shared.joined) outcome.stored = true;
    return shared.value;
  };
}
