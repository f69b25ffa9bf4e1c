// Bundles the extension, the CLI and the developer tools (tools/). Type checking is `npm run check-types`, kept apart.
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// `--outdir=DIR` builds only what ships in the VSIX, into DIR (the packager's staging folder), leaving dist/ alone.
const outdirArg = process.argv.find((arg) => arg.startsWith('--outdir='));
const outdir = outdirArg ? outdirArg.slice('--outdir='.length) : 'dist';

// Native and ESM-only packages load at run time from node_modules: esbuild cannot bundle .node binaries, and
// `surrealdb` must be the same module instance that `@surrealdb/node` imports.
const external = ['vscode', 'lz4-napi', 'msgpackr-extract', 'surrealdb', '@surrealdb/node', 'playwright-core'];

// `ws` (remote SurrealDB on Node 20) tries two optional native add-ons and falls back to plain JavaScript when
// loading them throws. They are not installed: bundle a module that throws, so nothing unshipped is required.
const OPTIONAL_WS_ADDONS = /^(bufferutil|utf-8-validate)$/;
const absentOptionalAddons = {
  name: 'absent-optional-addons',
  setup(build) {
    build.onResolve({ filter: OPTIONAL_WS_ADDONS }, (args) => ({ path: args.path, namespace: 'absent-addon' }));
    build.onLoad({ filter: /.*/, namespace: 'absent-addon' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not shipped (optional add-on of ws)`)});`,
      loader: 'js',
    }));
  },
};

// Large packages that only some commands use live in bundles of their own (dist/vendor/), which the main bundles
// require on first use: a cached `claude-cache run` then reads and restores half a megabyte of code instead of
// 1.2 MB (the Anthropic SDK alone is 400 KB). Each is third-party code with no state shared with ours, so one copy
// per process, loaded through require's cache, is what both bundles see.
const require = createRequire(import.meta.url);
const VENDORED = { '@anthropic-ai/sdk': 'anthropic-sdk', ioredis: 'ioredis', 'prom-client': 'prom-client', ws: 'ws' };
const vendored = {
  name: 'vendored',
  setup(build) {
    build.onResolve({ filter: /^(@anthropic-ai\/sdk|ioredis|prom-client|ws)$/ }, (args) => ({
      path: `./vendor/${VENDORED[args.path]}.js`,
      external: true,
    }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const shared = {
  plugins: [absentOptionalAddons, vendored],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  // jsonc-parser's default (UMD) build loads its parts with require calls esbuild cannot follow; its ESM build bundles.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

const vendorBundles = Object.entries(VENDORED).map(([name, file]) => ({
  ...shared,
  plugins: [absentOptionalAddons],
  entryPoints: { [`vendor/${file}`]: require.resolve(name) },
  outdir,
}));

const shipped = [
  ...vendorBundles,
  { ...shared, entryPoints: { extension: 'src/extension/extension.ts' }, outdir },
  // The `claude-cache` command is a small launcher (cli.js) that loads the CLI's bundle (cli-main.js) with V8's
  // code cache (src/cli/codeCache.ts).
  { ...shared, entryPoints: { 'cli-main': 'src/cli/main.ts' }, outdir },
  {
    ...shared,
    entryPoints: { cli: 'src/cli/launcher.ts' },
    outdir,
    banner: { js: '#!/usr/bin/env node' },
  },
];
// Developer tools (`npm start`, `npm run package`): built next to the extension, never shipped (.vscodeignore).
const tools = [{ ...shared, entryPoints: { start: 'tools/start/start.ts', package: 'tools/package/package.ts' }, outdir }];
// `--only=cli` builds just the CLI bundle (the CLI's npm package, tools/package/cliPackage.ts, needs nothing else).
const onlyArg = process.argv.find((arg) => arg.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length) : undefined;
const selected = only
  ? shipped.filter((options) => Object.keys(options.entryPoints).some((name) => name === only || name.startsWith(`${only}-`) || name.startsWith('vendor/')))
  : shipped;
const builds = outdirArg || only ? selected : [...shipped, ...tools];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('[watch] watching src/ and tools/ for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
