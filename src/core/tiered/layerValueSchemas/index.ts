import type { Layer } from '../../layers';
import type { ValueShapeCheck } from '../tierTypes';
import { checkBoundPrompt } from './boundPromptShape';
import { checkCachedAnswer } from './cachedAnswerShape';
import { checkContextSnapshot } from './contextSnapshotShape';
import { checkRunManifest } from './runManifestShape';

/**
 * The context layer holds two kinds of value: a workflow's snapshot, and under its `#inputs` key the manifest of
 * its last run. Keys cannot tell them apart (a key is a slug cut to 64 characters and a hash), so the layer takes
 * either; a reader that wants one of them narrows with its own check (the `shape` option of get/getOrCompute).
 */
export function checkContextLayerValue(value: unknown): string | undefined {
  const asSnapshot = checkContextSnapshot(value);
  if (asSnapshot === undefined) return undefined;
  const asManifest = checkRunManifest(value);
  if (asManifest === undefined) return undefined;
  return `neither a context snapshot (${asSnapshot}) nor a run manifest (${asManifest})`;
}

/**
 * Every layer's check of values read from a shared tier, for TieredCacheOptions.layerValues: a value that fails
 * is a miss, and is deleted from the tier that held it.
 */
export const LAYER_VALUE_SCHEMAS: Readonly<Record<Layer, ValueShapeCheck>> = Object.freeze({
  prompt: checkBoundPrompt,
  context: checkContextLayerValue,
  module: checkCachedAnswer,
  result: checkCachedAnswer,
});

export { checkBoundPrompt, isBoundPrompt } from './boundPromptShape';
export { checkCachedAnswer, isCachedAnswer } from './cachedAnswerShape';
export { checkContextSnapshot, isContextSnapshot } from './contextSnapshotShape';
export { checkRunManifest, isRunManifest, type StoredRunManifest } from './runManifestShape';
