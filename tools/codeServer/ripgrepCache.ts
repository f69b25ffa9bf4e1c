import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

// The versions @vscode/ripgrep (pulled in by code-server 4.100.3) downloads; its cache folder is keyed by them.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';

const TRIPLES: Readonly<Record<string, string>> = {
  x64: 'x86_64-unknown-linux-musl',
  arm64: 'aarch64-unknown-linux-musl',
};

/** Where @vscode/ripgrep's postinstall looks for its download before going to GitHub. */
export function ripgrepCacheFile(arch: string = process.arch, tmp: string = tmpdir()): string {
  const triple = TRIPLES[arch];
  if (triple === undefined) throw new Error(`no ripgrep cache name known for ${arch}`);
  return join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`, `ripgrep-${RIPGREP_RELEASE}-${triple}.tar.gz`);
}

/** Puts the system's `rg` where the download would land, so installing code-server needs no GitHub access. */
export function seedRipgrepCache(ripgrep: string, file: string = ripgrepCacheFile()): string {
  if (existsSync(file)) return file;
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  // The archive must hold the binary at its top level under the name `rg`; -h stores a symlink's target.
  execFileSync('tar', ['czhf', partial, '--transform', `s|^${basename(ripgrep)}$|rg|`, '-C', dirname(ripgrep), basename(ripgrep)]);
  renameSync(partial, file);
  return file;
}
