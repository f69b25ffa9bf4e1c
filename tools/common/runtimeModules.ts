import { execFile } from 'node:child_process';
import { RuntimeModuleError } from './errors';

/**
 * The packages the extension loads from node_modules at run time instead of from its bundle: native binaries
 * and ESM-only packages. Keep in step with `external` in esbuild.mjs (the packager also checks the bundles).
 */
export const RUNTIME_MODULES: readonly string[] = ['lz4-napi', 'msgpackr-extract', 'surrealdb', '@surrealdb/node'];

// Imports every module from the working directory, as the extension host would from the extension folder, and
// reports each failure instead of stopping at the first. import() loads both CommonJS and ESM-only packages.
const PROBE = `
const results = [];
for (const name of JSON.parse(process.argv[1])) {
  try { await import(name); results.push({ module: name }); }
  catch (error) { results.push({ module: name, error: String(error && error.message || error).split('\\n')[0] }); }
}
process.stdout.write(JSON.stringify(results));
`;

/**
 * Loads each module with the given Node (by default the one running this, which is also the one that runs
 * code-server's extension host) from `extensionDir`, so a missing package or a binary built for another
 * platform shows up before VS Code does.
 */
export async function verifyRuntimeModules(
  extensionDir: string,
  modules: readonly string[] = RUNTIME_MODULES,
  node: string = process.execPath,
): Promise<void> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      node,
      ['--input-type=module', '--eval', PROBE, JSON.stringify(modules)],
      { cwd: extensionDir, timeout: 60_000 },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
    );
  });
  const results = JSON.parse(stdout) as Array<{ module: string; error?: string }>;
  const failures = results.flatMap((result) =>
    result.error === undefined ? [] : [{ module: result.module, error: result.error }],
  );
  if (failures.length > 0) throw new RuntimeModuleError(failures, extensionDir);
}

/** A native module the VSIX ships, and where its binaries may sit in node_modules. */
export interface NativeModule {
  readonly module: string;
  /** Package-path prefixes under node_modules/ whose `.node` files are this module's binaries. */
  readonly binaryPackages: readonly string[];
  /**
   * Whether a target without a binary of it gets no VSIX. @surrealdb/node (the embedded tier) and lz4-napi
   * (reading entries other machines compressed into a shared tier) are what the extension is for; the extension
   * still starts without them on a user's machine (see src/core/native), but we do not publish a VSIX that
   * always lacks them.
   */
  readonly required: boolean;
  /** What runs instead when the binary is absent. */
  readonly fallback: string;
}

export const NATIVE_MODULES: readonly NativeModule[] = [
  {
    module: '@surrealdb/node',
    binaryPackages: ['@surrealdb/node/'],
    required: true,
    fallback: 'no SurrealDB tier',
  },
  {
    module: 'lz4-napi',
    binaryPackages: ['lz4-napi/', '@antoniomuso/lz4-napi-'],
    required: true,
    fallback: 'values stored uncompressed',
  },
  {
    module: 'msgpackr-extract',
    binaryPackages: ['msgpackr-extract/', '@msgpackr-extract/msgpackr-extract-'],
    required: false,
    // msgpackr's node entry requires msgpackr-extract inside try/catch and decodes strings in JavaScript when
    // it is missing (node_modules/msgpackr/node-index.js, msgpackr 2.1.3): same bytes, somewhat slower.
    fallback: 'msgpackr decodes in plain JavaScript (same format, slower)',
  },
];

/** The native module a shipped `.node` file (path relative to the extension root) belongs to, if any. */
export function nativeModuleOf(path: string): NativeModule | undefined {
  const inside = path.startsWith('node_modules/') ? path.slice('node_modules/'.length) : path;
  return NATIVE_MODULES.find((native) => native.binaryPackages.some((prefix) => inside.startsWith(prefix)));
}
