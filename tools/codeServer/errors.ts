import { CacheError } from '../../src/core/errors';

/** A system tool or package code-server needs is not installed; the message names the package to install. */
export class MissingPrerequisiteError extends CacheError {
  readonly code = 'E_LAUNCH_PREREQUISITE';

  constructor(
    readonly prerequisite: string,
    message: string,
  ) {
    super(message);
  }
}

/** Installing code-server into the developer cache failed; `logFile` keeps npm's full output. */
export class CodeServerInstallError extends CacheError {
  readonly code = 'E_CODE_SERVER_INSTALL';

  constructor(
    message: string,
    readonly logFile?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** code-server exited or never answered while starting. */
export class CodeServerStartError extends CacheError {
  readonly code = 'E_CODE_SERVER_START';
}
