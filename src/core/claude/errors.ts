import { CacheError } from '../errors';

/**
 * A failed Claude call. `retryable` tells a caller whether trying again later can help without the user
 * changing anything (a rate limit or an outage can; a bad key or a malformed request cannot).
 */
export abstract class ClaudeError extends CacheError {
  abstract readonly retryable: boolean;
}

/** The API refused the key (HTTP 401), or no key is set. */
export class ClaudeAuthenticationError extends ClaudeError {
  readonly code = 'E_CLAUDE_AUTH';
  readonly retryable = false;

  constructor(message = 'The Anthropic API rejected the API key; set a valid key and try again.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Too many requests (HTTP 429); `retryAfterMs` is the wait the API asked for, when it said. */
export class ClaudeRateLimitError extends ClaudeError {
  readonly code = 'E_CLAUDE_RATE_LIMITED';
  readonly retryable = true;

  constructor(
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      retryAfterMs === undefined
        ? 'The Anthropic API is rate limiting this key; wait a moment and try again.'
        : `The Anthropic API is rate limiting this key; try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
      options,
    );
  }
}

/** Anthropic's servers are overloaded (HTTP 529, or an `overloaded_error` event mid-stream). */
export class ClaudeOverloadedError extends ClaudeError {
  readonly code = 'E_CLAUDE_OVERLOADED';
  readonly retryable = true;

  constructor(options?: { cause?: unknown }) {
    super('The Anthropic API is overloaded right now; try again in a few minutes.', options);
  }
}

/** The API failed on its side (HTTP 5xx other than 529), after the SDK's own retries. */
export class ClaudeServerError extends ClaudeError {
  readonly code = 'E_CLAUDE_SERVER';
  readonly retryable = true;

  constructor(
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      status === undefined
        ? 'The Anthropic API reported an internal error; try again later.'
        : `The Anthropic API failed with server error ${status}; try again later.`,
      options,
    );
  }
}

/** The connection failed or closed before the answer was complete. */
export class ClaudeNetworkError extends ClaudeError {
  readonly code = 'E_CLAUDE_NETWORK';
  readonly retryable = true;

  constructor(
    message = 'Could not reach the Anthropic API; check the network connection and try again.',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * No answer within the configured timeout: `start` when the answer did not begin in time (one deadline for the
 * call, the SDK's retries included), `stall` when a started stream went silent that long.
 */
export class ClaudeTimeoutError extends ClaudeError {
  readonly code = 'E_CLAUDE_TIMEOUT';
  readonly retryable = true;

  constructor(
    readonly timeoutMs: number,
    readonly phase: 'start' | 'stall' = 'start',
    options?: { cause?: unknown },
  ) {
    const seconds = Math.round(timeoutMs / 100) / 10;
    super(
      phase === 'start'
        ? `The Anthropic API did not start answering within ${seconds} s (retries included); try again or raise claudeCache.requestTimeoutSeconds.`
        : `The Anthropic API stopped sending the answer for ${seconds} s; try again or raise claudeCache.requestTimeoutSeconds.`,
      options,
    );
  }
}

/** The API does not know the model (HTTP 404 not_found_error): names the model and what chose it. */
export class ClaudeModelNotFoundError extends ClaudeError {
  readonly code = 'E_CLAUDE_MODEL_NOT_FOUND';
  readonly retryable = false;

  constructor(
    readonly model: string,
    readonly modelSource: string | undefined,
    readonly apiMessage: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `The Anthropic API does not know the model "${model}"${modelSource ? ` (chosen by ${modelSource})` : ''}` +
        `${apiMessage ? `: ${apiMessage}` : ''}. Use a current model id, or an alias such as sonnet, opus or haiku.`,
      options,
    );
  }
}

/** The caller cancelled the call through its AbortSignal. */
export class ClaudeCancelledError extends ClaudeError {
  readonly code = 'E_CLAUDE_CANCELLED';
  readonly retryable = false;

  constructor(options?: { cause?: unknown }) {
    super('The Claude request was cancelled.', options);
  }
}

/** Any other refusal (400, 403, 404, 413 ...): `apiMessage` is what the API said. */
export class ClaudeRequestError extends ClaudeError {
  readonly code = 'E_CLAUDE_REQUEST';
  readonly retryable = false;

  constructor(
    readonly status: number | undefined,
    readonly apiMessage: string | undefined,
    options?: { cause?: unknown },
  ) {
    const what = status === undefined ? 'The Anthropic API rejected the request' : `The Anthropic API rejected the request (${status})`;
    super(apiMessage ? `${what}: ${apiMessage}` : `${what}.`, options);
  }
}
