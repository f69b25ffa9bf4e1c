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

/**
 * The workflow has `` !`cmd` `` lines and the workspace is not trusted: refused before anything runs or is sent,
 * since a cloned repository would otherwise choose what runs on this machine.
 */
export class ShellCommandsUntrustedError extends CacheError {
  readonly code = 'E_CONTEXT_SHELL_UNTRUSTED';

  constructor(readonly commands: readonly string[]) {
    super(
      `this workflow runs shell commands (${commands.map((command) => `\`${command}\``).join(', ')}) before it ` +
        'builds its prompt; trust the workspace to run them (in VS Code: Manage Workspace Trust; with the CLI: ' +
        '--trust-workspace or CLAUDE_CACHE_TRUST_WORKSPACE=1), or use a workflow without `!` commands',
    );
  }
}

/** A `` !`cmd` `` command its workflow's `allowed-tools` does not allow: refused, never run. */
export class ShellCommandNotAllowedError extends CacheError {
  readonly code = 'E_CONTEXT_SHELL_NOT_ALLOWED';

  constructor(
    /** The command as the workflow wrote it. */
    readonly command: string,
    /** Why: the part of the command no rule allows, or what about it cannot be checked. */
    readonly reason: string,
    /** A rule that would allow it, as it would be written in `allowed-tools`. */
    readonly neededPattern: string,
    readonly allowedTools: readonly string[],
  ) {
    const allowed = allowedTools.length === 0 ? 'its allowed-tools lists no Bash rule' : `its allowed-tools is ${allowedTools.join(', ')}`;
    super(`this workflow's command \`${command}\` was not run: ${reason} (${allowed}); to run it, add ${neededPattern} to allowed-tools`);
  }
}

/** A `` !`cmd` `` command failed (exit status, signal, could not start): the workflow is not run, as in Claude Code. */
export class ShellCommandFailedError extends CacheError {
  readonly code = 'E_CONTEXT_SHELL_FAILED';

  constructor(
    readonly command: string,
    /** What went wrong, e.g. "exited with status 128". */
    readonly failure: string,
    /** The start of what the command printed, to show the user why. */
    readonly output: string,
    options?: { cause?: unknown },
  ) {
    super(`the command \`${command}\` ${failure}${output.trim() ? `:\n${output.trim()}` : ''}`, options);
  }
}

/** A `` !`cmd` `` command ran past its time limit and was killed. */
export class ShellCommandTimeoutError extends CacheError {
  readonly code = 'E_CONTEXT_SHELL_TIMEOUT';

  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`the command \`${command}\` did not finish within ${timeoutMs / 1000} s and was stopped; make it faster or drop it from the workflow`);
  }
}
