/**
 * Modules most commands never use, loaded on first use instead of when the bundle loads: a cached CLI run starts
 * no process and parses no frontmatter or settings file, and on the bench machine loading `child_process` (with
 * `net`) took 5 ms, `yaml` and `jsonc-parser` several more (a cached run is ~150 ms in all). `require` keeps them
 * synchronous; esbuild turns a bundled package's `require` into the same lazy initialiser as `import()`.
 */

export function childProcessModule(): typeof import('node:child_process') {
  return require('node:child_process') as typeof import('node:child_process');
}

export function yamlModule(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}

export function jsoncModule(): typeof import('jsonc-parser') {
  return require('jsonc-parser') as typeof import('jsonc-parser');
}

export function wsModule(): typeof import('ws') {
  return require('ws') as typeof import('ws');
}
