import { PART_KINDS, type ContextSnapshot } from '../../context/snapshot';
import { isArrayOf, isFiniteNumber, isNonNegativeNumber, isObject, isOneOf, isString, type ShapeCheck } from './shapeChecks';

/** One thing a workflow read (ContextPart in src/core/context/snapshot.ts). */
const partShape = isObject({
  required: {
    kind: isOneOf(PART_KINDS),
    id: isString,
    hash: isString,
    size: isNonNegativeNumber,
    content: isString,
  },
  optional: { mtimeMs: isFiniteNumber },
});

/** What the context layer holds under a workflow's snapshot key: what a run read, to be re-checked before use. */
export const contextSnapshotShape: ShapeCheck = isObject({
  required: { workspace: isString, parts: isArrayOf(partShape), hash: isString },
});

/** Why `value` is not a ContextSnapshot, or undefined when it is one. */
export function checkContextSnapshot(value: unknown): string | undefined {
  return contextSnapshotShape(value, 'snapshot');
}

export function isContextSnapshot(value: unknown): value is ContextSnapshot {
  return checkContextSnapshot(value) === undefined;
}
