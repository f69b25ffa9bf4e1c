import type { Layer } from '../layers';
import type { LookupStatus, ValueShapeCheck } from '../tiered/tierTypes';
import type { RunScope } from './runScope';

/** How a layer's cached value is checked and kept, for lookupLayer. */
export interface LayerLookupOptions<T> {
  /** Whether a stored value still holds (a snapshot whose files did not change). */
  validate?: (value: T) => Promise<boolean>;
  /** Whether a value computed now may go to the shared tiers. */
  sharedTiers?: (value: T) => boolean;
  /** A narrower check than the layer's, for the context layer (which also holds the miss explanation's record). */
  shape?: ValueShapeCheck;
}

/** A layer's value from the fastest tier that holds it, or built now; the run's step says which. */
export async function lookupLayer<T>(
  { deps, run }: RunScope,
  layer: Layer,
  key: string,
  compute: () => T | Promise<T>,
  { validate, sharedTiers, shape }: LayerLookupOptions<T> = {},
): Promise<T> {
  const status: LookupStatus = {};
  const value = await deps.cache.getOrCompute(layer, key, compute, {
    status,
    ...(validate ? { validate } : {}),
    ...(sharedTiers ? { sharedTiers } : {}),
    ...(shape ? { shape } : {}),
  });
  run.step({ layer, key, source: status.source ?? 'compute' });
  return value;
}

/** Builds a layer's value anew and stores it in place of whatever was cached (a fresh run). */
export async function rebuildLayer<T>(
  { deps, run }: RunScope,
  layer: Layer,
  key: string,
  compute: () => T | Promise<T>,
  sharedTiers: (value: T) => boolean,
): Promise<T> {
  const value = await compute();
  await deps.cache.set(layer, key, value, { sharedTiers: sharedTiers(value) }).catch(() => false);
  run.step({ layer, key, source: 'compute' });
  return value;
}
