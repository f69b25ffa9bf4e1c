import { CONTEXT_VARIABLES } from '../../workflows/template';
import type { BoundPrompt } from '../../workflows/render';
import { describeFound, isArrayOf, isObject, isPlainObject, isString, type ShapeCheck } from './shapeChecks';

/**
 * One segment of a bound prompt (BoundSegment in src/core/workflows/render.ts): text, a context variable the
 * renderer knows, a module's name, a shell command or a file reference. The renderer tries `text`, then `context`, then `module`, so the first of
 * them present decides what the segment is.
 */
const segmentShape: ShapeCheck = (value, path) => {
  if (!isPlainObject(value)) return `${path} is ${describeFound(value)}, not an object`;
  // A `!` command (its command text) or a referenced file (its workspace-relative path).
  if (value.kind === 'shell') return isString(value.command, `${path}.command`);
  if (value.kind === 'fileRef') return isString(value.path, `${path}.path`);
  if (Object.hasOwn(value, 'text')) return isString(value.text, `${path}.text`);
  if (Object.hasOwn(value, 'context')) {
    const name = value.context;
    return typeof name === 'string' && Object.hasOwn(CONTEXT_VARIABLES, name)
      ? undefined
      : `${path}.context is ${describeFound(name)}, not a context variable`;
  }
  if (Object.hasOwn(value, 'module')) return isString(value.module, `${path}.module`);
  return `${path} has no text, context or module`;
};

/** What the prompt layer holds: a workflow with its params substituted and its context still open. */
export const boundPromptShape: ShapeCheck = isObject({
  required: { workflow: isString, version: isString, segments: isArrayOf(segmentShape) },
});

/** Why `value` is not a BoundPrompt, or undefined when it is one. */
export function checkBoundPrompt(value: unknown): string | undefined {
  return boundPromptShape(value, 'prompt');
}

export function isBoundPrompt(value: unknown): value is BoundPrompt {
  return checkBoundPrompt(value) === undefined;
}
