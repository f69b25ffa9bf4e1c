import type { WorkflowParams } from '../../workflows/workflow';
import { isFiniteNumber, isArrayOf, isObject, isRecordOf, isString, type ShapeCheck } from './shapeChecks';

/**
 * The inputs of the last run of a workflow on a target, kept in the context layer (under the key of
 * `<workflow>@<target>#inputs`) to explain the next miss. The same fields as the pipeline's private RunManifest,
 * which may be replaced by this type.
 */
export interface StoredRunManifest {
  model: string;
  maxTokens: number;
  workflowVersion: string;
  systemHash: string;
  promptHash: string;
  params: WorkflowParams;
  /** Part id to content hash. */
  parts: Record<string, string>;
}

export const runManifestShape: ShapeCheck = isObject({
  required: {
    model: isString,
    maxTokens: isFiniteNumber,
    workflowVersion: isString,
    systemHash: isString,
    promptHash: isString,
    params: isObject({ required: { args: isArrayOf(isString), inputs: isRecordOf(isString) } }),
    parts: isRecordOf(isString),
  },
});

/** Why `value` is not a run manifest, or undefined when it is one. */
export function checkRunManifest(value: unknown): string | undefined {
  return runManifestShape(value, 'manifest');
}

export function isRunManifest(value: unknown): value is StoredRunManifest {
  return checkRunManifest(value) === undefined;
}
