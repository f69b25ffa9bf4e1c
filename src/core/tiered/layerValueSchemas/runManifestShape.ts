import { isFiniteNumber, isObject, isRecordOf, isString, type ShapeCheck } from './shapeChecks';

/**
 * The inputs of the last run of a workflow on a target, kept in the context layer (under the key of
 * `<workflow>@<target>#inputs`, missExplanationKey in core/run/missExplanation.ts) to explain the next miss.
 */
export interface StoredRunManifest {
  model: string;
  maxTokens: number;
  workflowVersion: string;
  systemHash: string;
  promptHash: string;
  /**
   * Hash of the arguments and inputs, never the words themselves: this record goes to the shared tiers even when
   * an argument holds a secret (it only has to tell that the arguments changed).
   */
  paramsHash: string;
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
    paramsHash: isString,
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
