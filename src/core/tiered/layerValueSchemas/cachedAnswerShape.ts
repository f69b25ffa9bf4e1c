import type { CachedAnswer } from '../../pipeline';
import { isEither, isFiniteNumber, isNonNegativeNumber, isNullOr, isObject, isOneOf, isString, type ShapeCheck } from './shapeChecks';

/** Token counts: the five fields of Usage (src/core/claude/usage.ts), each a count, so never negative. */
const usageShape = isObject({
  required: {
    inputTokens: isNonNegativeNumber,
    outputTokens: isNonNegativeNumber,
    cacheWrite5mTokens: isNonNegativeNumber,
    cacheWrite1hTokens: isNonNegativeNumber,
    cacheReadTokens: isNonNegativeNumber,
  },
});

/**
 * What the module and result layers hold (CachedAnswer in src/core/run/runTypes.ts): the text a run replays, and
 * the model, stop reason, tokens and dollars it books as saved.
 */
export const cachedAnswerShape: ShapeCheck = isObject({
  required: {
    text: isString,
    model: isString,
    stopReason: isNullOr(isString),
    usage: usageShape,
    // Dollars are added up as money saved: NaN or a negative figure would poison every total it joins.
    costUsd: isEither(isNonNegativeNumber, isOneOf(['unknown'])),
    createdAt: isFiniteNumber,
  },
  optional: {
    // Why Claude declined (RefusalStopDetails of @anthropic-ai/sdk): both parts nullable; categories are open-ended.
    stopDetails: isNullOr(isObject({ optional: { category: isNullOr(isString), explanation: isNullOr(isString) } })),
  },
});

/** Why `value` is not a CachedAnswer, or undefined when it is one. */
export function checkCachedAnswer(value: unknown): string | undefined {
  return cachedAnswerShape(value, 'answer');
}

export function isCachedAnswer(value: unknown): value is CachedAnswer {
  return checkCachedAnswer(value) === undefined;
}
