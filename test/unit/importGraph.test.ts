import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';

const repo = resolve(__dirname, '..', '..');

/**
 * The import graph of what ships and of the developer tools, as esbuild sees it when it bundles (type-only imports
 * are gone by then): no runtime cycle among our modules (a cycle makes the order modules initialise in matter, and
 * one of them sees the other half-built), an engine that neither imports `vscode` nor the adapters built on it, and
 * no shipped module that pulls in a tool.
 */
describe('import graph of src/ and tools/', function () {
  this.timeout(60_000);
  let inputs: esbuild.Metafile['inputs'];

  before(async () => {
    const result = await esbuild.build({
      absWorkingDir: repo,
      entryPoints: [
        'src/extension/extension.ts',
        'src/cli/launcher.ts',
        'src/cli/main.ts',
        'tools/start/start.ts',
        'tools/package/package.ts',
        'tools/manifest/manifest.ts',
      ],
      bundle: true,
      write: false,
      metafile: true,
      outdir: 'unused',
      format: 'cjs',
      platform: 'node',
      logLevel: 'silent',
      // Only our own modules matter here: every package is left out, as are the optional add-ons of `ws`.
      packages: 'external',
    });
    inputs = result.metafile.inputs;
  });

  /** Ours: the product (src/) and the developer tools (tools/). */
  const isOurs = (file: string): boolean => file.startsWith('src/') || file.startsWith('tools/');

  /** Static imports between our modules; `import()` loads on demand and cannot form an initialisation cycle. */
  function staticImports(file: string): string[] {
    return (inputs[file]?.imports ?? []).filter((entry) => isOurs(entry.path) && entry.kind !== 'dynamic-import').map((entry) => entry.path);
  }

  it('has no runtime import cycle', () => {
    const files = Object.keys(inputs).filter(isOurs);
    assert.ok(files.length > 100, `the graph covers the sources (${files.length} files)`);
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      state.set(file, 'visiting');
      for (const next of staticImports(file)) {
        if (state.get(next) === 'visiting') cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
        else if (!state.has(next)) visit(next, [...path, next]);
      }
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file, [file]);
    assert.deepEqual(cycles, []);
  });

  it('keeps the engine free of vscode and of the adapters', () => {
    const offending = Object.entries(inputs)
      .filter(([file]) => file.startsWith('src/core/'))
      .flatMap(([file, info]) =>
        info.imports
          .filter((entry) => entry.path === 'vscode' || entry.path.startsWith('src/extension/') || entry.path.startsWith('src/cli/'))
          .map((entry) => `${file} imports ${entry.path}`),
      );
    assert.deepEqual(offending, []);
  });

  it('keeps the developer tools out of what ships (nothing in src/ imports tools/)', () => {
    const offending = Object.entries(inputs)
      .filter(([file]) => file.startsWith('src/'))
      .flatMap(([file, info]) => info.imports.filter((entry) => entry.path.startsWith('tools/')).map((entry) => `${file} imports ${entry.path}`));
    assert.ok(Object.keys(inputs).some((file) => file.startsWith('tools/')), 'the graph covers the tools');
    assert.deepEqual(offending, []);
  });
});
