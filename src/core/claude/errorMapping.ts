import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AnthropicError,
} from '@anthropic-ai/sdk';
import {
  ClaudeAuthenticationError,
  ClaudeCancelledError,
  ClaudeError,
  ClaudeModelNotFoundError,
  ClaudeNetworkError,
  ClaudeOverloadedError,
  ClaudeRateLimitError,
  ClaudeRequestError,
  ClaudeServerError,
  ClaudeTimeoutError,
} from './errors';

/** Why our own abort controller fired: the caller cancelled, the deadline for a first answer passed, or a stream stalled. */
export type AbortReason = 'cancelled' | 'deadline' | 'idle-timeout';

export interface MappingContext {
  timeoutMs: number;
  /** The model the request named, for a 404 that says which model the API does not know. */
  model?: string;
  /** Where that model came from (a setting or a workflow file), so the user knows what to change. */
  modelSource?: string;
  /** Scrubbed from any text we pass on, in case an upstream message ever echoes it. */
  apiKey: string;
  /** Why our own abort controller fired, if it did. */
  abortReason?: AbortReason;
  now?: () => number;
}

/** Turns whatever the SDK (or the stream under it) threw into one ClaudeError a user can read. */
export function toClaudeError(error: unknown, context: MappingContext): ClaudeError {
  if (error instanceof ClaudeError) return error;
  if (context.abortReason === 'cancelled') return new ClaudeCancelledError({ cause: error });
  if (context.abortReason === 'deadline') return new ClaudeTimeoutError(context.timeoutMs, 'start', { cause: error });
  if (context.abortReason === 'idle-timeout') return new ClaudeTimeoutError(context.timeoutMs, 'stall', { cause: error });
  if (error instanceof APIUserAbortError) return new ClaudeCancelledError({ cause: error });
  if (error instanceof APIConnectionTimeoutError) return new ClaudeTimeoutError(context.timeoutMs, 'start', { cause: error });
  if (error instanceof APIConnectionError) return new ClaudeNetworkError(undefined, { cause: error });
  if (error instanceof APIError) return fromApiError(error, context);
  if (error instanceof AnthropicError) {
    return new ClaudeRequestError(undefined, redact(error.message, context.apiKey), { cause: error });
  }
  // Anything else reaches us from the response body stream: undici's "terminated" on a reset socket, etc.
  return new ClaudeNetworkError('The connection to the Anthropic API broke before the answer was complete.', {
    cause: error,
  });
}

function fromApiError(error: APIError, context: MappingContext): ClaudeError {
  const status = error.status;
  // Errors sent as an SSE `error` event mid-stream carry no status, only the error type.
  const type = error.type ?? undefined;
  if (status === 401 || type === 'authentication_error') return new ClaudeAuthenticationError(undefined, { cause: error });
  if (status === 429 || type === 'rate_limit_error') {
    return new ClaudeRateLimitError(retryAfterMs(error.headers, context.now ?? Date.now), { cause: error });
  }
  if (status === 529 || type === 'overloaded_error') return new ClaudeOverloadedError({ cause: error });
  if ((status !== undefined && status >= 500) || type === 'api_error') return new ClaudeServerError(status, { cause: error });
  const apiMessage = error.apiMessage ?? undefined;
  if ((status === 404 || type === 'not_found_error') && context.model !== undefined) {
    return new ClaudeModelNotFoundError(context.model, context.modelSource, apiMessage, { cause: error });
  }
  return new ClaudeRequestError(status, apiMessage === undefined ? undefined : redact(apiMessage, context.apiKey), {
    cause: error,
  });
}

/** The wait the API asked for: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now: () => number = Date.now): number | undefined {
  if (!headers) return undefined;
  const millis = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw.trim());
  if (raw.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

function redact(text: string, apiKey: string): string {
  return apiKey.length >= 8 ? text.split(apiKey).join('[redacted]') : text;
}
