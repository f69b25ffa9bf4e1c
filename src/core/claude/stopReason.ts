import type { RefusalStopDetails, StopReason } from '@anthropic-ai/sdk/resources/messages';

/*
 * What each stop reason means for a cache, per "Handling stop reasons"
 * (https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons, read 2026-12-06) and the SDK 1.12
 * `StopReason` type:
 * - `end_turn`, `stop_sequence`: the model finished; the answer is whole and may be cached.
 * - `max_tokens`: cut off at the request's max_tokens (thinking counts toward it).
 * - `model_context_window_exceeded`: cut off because prompt + output reached the model's context window.
 * - `pause_turn`: a long turn paused by the server; the answer is not finished and must be continued.
 * - `tool_use`: the model asks for a tool; we send none, so an answer that stops here is not whole either.
 * - `refusal`: the model declined (with `stop_details`); never cached, shown as a refusal, charged what usage says.
 */

/** How a call ended, as the cache and the UI need to know it. */
export type AnswerCompleteness = 'complete' | 'cut-off' | 'refusal';

/** The stop reasons the API documents, plus null (a stream that never said). */
export type ApiStopReason = StopReason | null;

export function completenessOf(stopReason: string | null): AnswerCompleteness {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'complete';
    case 'refusal':
      return 'refusal';
    default:
      // max_tokens, model_context_window_exceeded, pause_turn, tool_use, null and any reason a later API version adds:
      // nothing proves the answer is whole, so it is never served again as if it were.
      return 'cut-off';
  }
}

/** Only a finished answer becomes a cache entry. */
export function isCacheableStop(stopReason: string | null): boolean {
  return completenessOf(stopReason) === 'complete';
}

/** One line for a user: why the answer is not whole, or why there is none. Undefined for a complete answer. */
export function describeStop(stopReason: string | null, maxTokens: number, details?: RefusalStopDetails | null): string | undefined {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return undefined;
    case 'max_tokens':
      return `The answer was cut off at ${maxTokens.toLocaleString('en-US')} tokens (max tokens, thinking included); it was not cached. Continue it, or run again with more tokens.`;
    case 'model_context_window_exceeded':
      return "The answer was cut off: the prompt and the answer filled the model's context window; it was not cached.";
    case 'pause_turn':
      return 'Claude paused this long answer before it was finished; it was not cached. Continue it to get the rest.';
    case 'tool_use':
      return 'Claude stopped to use a tool, which this extension does not run; the answer is incomplete and was not cached.';
    case 'refusal': {
      const why = details?.explanation ?? (details?.category ? `category: ${details.category}` : undefined);
      return `Claude declined to answer${why ? ` (${why})` : ''}; a refusal is never cached.`;
    }
    case null:
      return 'The answer ended without a stop reason; it was not cached.';
    default:
      return `The answer stopped for a reason this version does not know (${stopReason}); it was not cached.`;
  }
}
