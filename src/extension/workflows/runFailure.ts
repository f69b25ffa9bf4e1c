import { ClaudeRateLimitError } from '../../core/claude';
import { CacheError, describeError } from '../../core/errors';
import { describeUnreachable, type ApiEndpoint } from '../../core/format/networkTrouble';

/** A button on a failure notification. */
export type FailureAction = 'Set API Key' | 'Retry' | 'Show Log';

/** How a failed run is told to the user. */
export interface RunFailure {
  readonly message: string;
  readonly actions: readonly FailureAction[];
  /** Cancelled by the user: said quietly, not as an error. */
  readonly cancelled: boolean;
}

const RETRYABLE = new Set(['E_CLAUDE_OVERLOADED', 'E_CLAUDE_SERVER', 'E_CLAUDE_NETWORK', 'E_CLAUDE_TIMEOUT']);

/**
 * Picks the message and the one useful next step for a failure, by the error's code (never its text). An
 * unreachable API names the address, what chose it (`endpoint`) and the underlying cause.
 */
export function describeRunFailure(error: unknown, workflow: string, cancelledByUser = false, endpoint?: ApiEndpoint): RunFailure {
  const code = error instanceof CacheError ? error.code : undefined;
  if (cancelledByUser || code === 'E_CLAUDE_CANCELLED' || (error instanceof Error && error.name === 'AbortError')) {
    return { message: `${workflow}: cancelled.`, actions: [], cancelled: true };
  }
  // The user was asked in a modal and declined: nothing failed.
  if (code === 'E_BUDGET_EXCEEDED') return { message: `${workflow}: not run, over budget.`, actions: [], cancelled: true };
  const message =
    code === 'E_CLAUDE_NETWORK' && endpoint ? `${workflow}: ${describeUnreachable(endpoint, error)}` : `${workflow}: ${describeError(error)}`;
  if (code === 'E_CLAUDE_AUTH') return { message, actions: ['Set API Key'], cancelled: false };
  if (error instanceof ClaudeRateLimitError) {
    const wait = error.retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(error.retryAfterMs / 1000)} s)`;
    const text = /try again in \d+ s/.test(message) ? message : `${message}${wait}`;
    return { message: text, actions: ['Retry'], cancelled: false };
  }
  if (code !== undefined && RETRYABLE.has(code)) return { message, actions: ['Retry', 'Show Log'], cancelled: false };
  return { message, actions: ['Show Log'], cancelled: false };
}
