import { CacheError } from '../errors';

/** The request cannot be satisfied as given: a file read without a path, a selection read without text. */
export class ContextRequestError extends CacheError {
  readonly code = 'E_CONTEXT_REQUEST';
}

/** A file the workflow reads could not be read (missing, a directory, binary, unreadable). */
export class ContextReadError extends CacheError {
  readonly code = 'E_CONTEXT_READ';

  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${message}`, options);
  }
}

/** A part is over its size bound; it is refused rather than truncated so a prompt never sees half a file. */
export class ContextTooLargeError extends CacheError {
  readonly code = 'E_CONTEXT_TOO_LARGE';

  constructor(
    readonly id: string,
    /** Undefined when reading stopped at the limit, so only "more than the limit" is known. */
    readonly size: number | undefined,
    readonly limit: number,
  ) {
    super(
      `${id} is ${size === undefined ? 'more than' : `${formatBytes(size)}, over`} the ${formatBytes(limit)} limit for workflow context`,
    );
  }
}

/** The workspace is not inside a git working tree, so there is no diff to read. */
export class NotAGitRepositoryError extends CacheError {
  readonly code = 'E_CONTEXT_NOT_GIT';

  constructor(readonly workspace: string) {
    super(`${workspace} is not inside a git repository, so its changes cannot be read (run \`git init\` there, or pick a workflow that does not read the git diff)`);
  }
}

/** git itself failed (not installed, refused the repository, crashed). */
export class GitCommandError extends CacheError {
  readonly code = 'E_CONTEXT_GIT';
}

/** Exact, so a file one byte over the limit does not read as equal to it; rounded alongside, for scale. */
function formatBytes(bytes: number): string {
  const exact = `${bytes.toLocaleString('en-US')} bytes`;
  if (bytes < 1024) return exact;
  if (bytes < 1024 * 1024) return `${exact} (${(bytes / 1024).toFixed(1)} KiB)`;
  return `${exact} (${(bytes / (1024 * 1024)).toFixed(1)} MiB)`;
}
