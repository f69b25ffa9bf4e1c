import { CacheError } from '../../src/core/errors';

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
