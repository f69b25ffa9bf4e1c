// Bundles the extension and the CLI. Type checking is `npm run check-types` (tsc --noEmit), kept apart.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Native and ESM-only packages load at run time from node_modules: esbuild cannot bundle .node binaries, and
// `surrealdb` must be the same module instance that `@surrealdb/node` imports.
const external = ['vscode', 'lz4-napi', 'msgpackr-extract', 'surrealdb', '@surrealdb/node', 'playwright-core'];

/** @type {import('esbuild').BuildOptions} */
const shared = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
};

const builds = [
  { ...shared, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  {
    ...shared,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('[watch] watching src/ for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
