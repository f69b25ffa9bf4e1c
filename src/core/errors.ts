/**
 * Every failure the engine reports is a CacheError subclass with a stable code, so adapters (VS Code, CLI)
 * can pick a message or an action without parsing text.
 */
export abstract class CacheError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bytes that are not a value this codec wrote (truncated, another format version, not ours). */
export class CodecError extends CacheError {
  readonly code = 'E_CODEC';
}

/** A storage tier failed an operation (connection lost, query error). */
export class StoreError extends CacheError {
  readonly code = 'E_STORE';

  constructor(
    readonly tier: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${tier}: ${message}`, options);
  }
}

/** A storage tier did not answer within its timeout. */
export class StoreTimeoutError extends CacheError {
  readonly code = 'E_STORE_TIMEOUT';

  constructor(
    readonly tier: string,
    readonly timeoutMs: number,
  ) {
    super(`${tier}: no answer within ${timeoutMs} ms`);
  }
}

/** A configuration value is malformed or out of range; the engine falls back to the default. */
export class ConfigError extends CacheError {
  readonly code = 'E_CONFIG';

  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

/** A key or pattern that cannot be expressed in the safe key space. */
export class InvalidKeyError extends CacheError {
  readonly code = 'E_INVALID_KEY';
}

/** The cache was used after close(). */
export class CacheClosedError extends CacheError {
  readonly code = 'E_CLOSED';
}

/** A readable one-line description of anything thrown, for logs and notifications. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
