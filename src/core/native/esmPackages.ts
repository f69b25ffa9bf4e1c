/**
 * The ESM-only packages the engine loads at run time, all through here. `import()` needs the host to resolve it;
 * code that the `claude-cache` launcher ran from V8's code cache has lost that host (a function restored from the
 * cache throws "A dynamic import callback was not specified"), so the launcher, compiled the usual way, lends
 * its own `import` under ESM_IMPORT (see src/cli/codeCache.ts). Both resolve from the same dist/ folder.
 */
export const ESM_IMPORT = Symbol.for('claude-prompt-cache.esm-import');

type EsmImport = (specifier: string) => Promise<unknown>;

function importEsm(specifier: string): Promise<unknown> {
  const lent = (globalThis as { [ESM_IMPORT]?: EsmImport })[ESM_IMPORT];
  if (lent) return lent(specifier);
  // Each specifier written out: esbuild keeps an external's import() as it is, and tsx resolves it in tests.
  switch (specifier) {
    case 'surrealdb':
      return import('surrealdb');
    case '@surrealdb/node':
      return import('@surrealdb/node');
    default:
      return Promise.reject(new Error(`${specifier} is not one of the ESM packages the engine loads`));
  }
}

/** SurrealDB's JavaScript SDK. */
export function importSurrealSdk(): Promise<typeof import('surrealdb')> {
  return importEsm('surrealdb') as Promise<typeof import('surrealdb')>;
}

/** SurrealDB's embedded engine (native). */
export function importSurrealNode(): Promise<typeof import('@surrealdb/node')> {
  return importEsm('@surrealdb/node') as Promise<typeof import('@surrealdb/node')>;
}
