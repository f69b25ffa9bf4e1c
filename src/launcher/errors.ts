import { CacheError } from '../core/errors';

/** A system tool or package the launcher needs is not installed; the message names the package to install. */
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

/** A package the extension loads at run time (native or ESM-only) cannot be loaded from the extension folder. */
export class RuntimeModuleError extends CacheError {
  readonly code = 'E_RUNTIME_MODULE';

  constructor(
    readonly failures: ReadonlyArray<{ module: string; error: string }>,
    fromDir: string,
  ) {
    super(
      `cannot load from ${fromDir}: ` + failures.map((failure) => `${failure.module} (${failure.error})`).join('; '),
    );
  }
}

/** Building the VSIX failed (staging, vsce, or the check of the installed result). */
export class PackagingError extends CacheError {
  readonly code = 'E_PACKAGE';
}

/**
 * A VSIX target cannot be built because a native binary the extension cannot run without has no build for it
 * (for example `@surrealdb/node` has none for linux-armhf). `--target all` reports it and goes on.
 */
export class TargetUnsupportedError extends CacheError {
  readonly code = 'E_TARGET_UNSUPPORTED';

  constructor(
    readonly target: string,
    readonly missing: readonly string[],
  ) {
    super(`no ${target} VSIX: no ${target} binary of ${missing.join(', ')}`);
  }
}

/** A native binary inside a VSIX is built for another OS or CPU than the VSIX's target. */
export class ForeignBinaryError extends CacheError {
  readonly code = 'E_FOREIGN_BINARY';
}

/** A per-platform package could not be fetched from the registry (`npm pack`) or did not match the lock file. */
export class PlatformPackageError extends CacheError {
  readonly code = 'E_PLATFORM_PACKAGE';
}
