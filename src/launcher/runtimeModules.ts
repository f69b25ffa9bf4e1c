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
