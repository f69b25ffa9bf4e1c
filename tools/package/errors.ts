import { CacheError } from '../../src/core/errors';

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
