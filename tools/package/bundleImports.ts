import { builtinModules } from 'node:module';

// esbuild leaves an external as a literal `require("name")` or `import("name")`, minified or not.
const SPECIFIER = /\b(?:require|import)\s*\(\s*(["'])([^"'\s]+)\1\s*\)/g;
const BUILTINS = new Set(builtinModules);

/** The packages a bundle loads at run time from node_modules (builtins, `vscode` and relative paths excluded). */
export function bundleImports(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(SPECIFIER)) {
    const specifier = match[2] ?? '';
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
    if (name === 'vscode' || BUILTINS.has(name)) continue;
    names.add(name);
  }
  return [...names].sort();
}
