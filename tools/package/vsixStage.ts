import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import { readManifest, type ExtensionManifest } from '../common/extensionManifest';
import { NATIVE_MODULES, nativeModuleOf, RUNTIME_MODULES } from '../common/runtimeModules';
import { bundleImports } from './bundleImports';
import { PackagingError, PlatformPackageError, TargetUnsupportedError } from './errors';
import { fetchPlatformPackage, platformPackageCacheDir } from './platformPackages';
import { isForOtherPlatform, type PlatformTarget } from './platformTarget';
import { runtimeClosure, type Lockfile, type RuntimePackage } from './runtimeClosure';

/** Options of {@link stageExtension}. */
export interface StageOptions {
  readonly repo: string;
  /** An empty folder that becomes the extension's root. */
  readonly stageDir: string;
  readonly target: PlatformTarget;
  /** The packages loaded from node_modules at run time; defaults to {@link RUNTIME_MODULES}. */
  readonly modules?: readonly string[];
  /** Writes the production bundles into the given dist folder; defaults to `node esbuild.mjs --production`. */
  readonly build?: (distDir: string) => Promise<void>;
  /** Where per-platform packages fetched from the registry are kept; defaults to platformPackageCacheDir(repo). */
  readonly platformPackages?: string;
}

/** What went into the staging folder. */
export interface StagedExtension {
  readonly dir: string;
  readonly manifest: ExtensionManifest;
  readonly packages: readonly RuntimePackage[];
  /** Native binaries for other platforms left out, relative to the staging folder. */
  readonly droppedBinaries: readonly string[];
  /** The native binaries shipped, relative to the staging folder. */
  readonly binaries: readonly string[];
  /** Packages this machine has no copy of, fetched from the registry for the target (name@version). */
  readonly fetched: readonly string[];
  /** Optional native modules without a binary for the target, and what runs instead. */
  readonly fallbacks: readonly string[];
}

const TOP_LEVEL_FILES = ['README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt'];
const TOP_LEVEL_DIRS = ['media'];
// What vsce should leave out of the staged tree (it applies its own defaults too: .git, *.vsix, ...).
const STAGE_IGNORE = ['**/*.map', '**/*.d.ts', '**/*.d.mts', '**/*.d.cts', 'node_modules/.package-lock.json'];
const NATIVE_PATH = /\.node$|(^|\/)prebuilds(\/|$)/;

/**
 * Lays out the extension as it ships for one platform: production bundles, manifest, docs, media, and only the
 * node_modules the bundles load at run time (with their dependencies) minus binaries for other platforms.
 */
export async function stageExtension(options: StageOptions): Promise<StagedExtension> {
  const { repo, stageDir, target } = options;
  const roots = options.modules ?? RUNTIME_MODULES;
  const distDir = join(stageDir, 'dist');
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as Lockfile;
  const { packages, sourceOf, fetched } = await resolvePackages(
    repo,
    lock,
    roots,
    target,
    options.platformPackages ?? platformPackageCacheDir(repo),
  );
  const droppedBinaries: string[] = [];
  const binaries: string[] = [];
  for (const pkg of packages) {
    const from = sourceOf(pkg.path);
    cpSync(from, join(stageDir, pkg.path), {
      recursive: true,
      filter: (source) => {
        const inside = relative(from, source).split(sep).join('/');
        if (inside === 'node_modules' || inside.startsWith('node_modules/')) return false; // staged on its own
        if (NATIVE_PATH.test(inside) && isForOtherPlatform(inside, target)) {
          droppedBinaries.push(`${pkg.path}/${inside}`);
          return false;
        }
        if (inside.endsWith('.node')) binaries.push(`${pkg.path}/${inside}`);
        return true;
      },
    });
  }
  const fallbacks = checkNativeBinaries(binaries, roots, target);
  relaxUnshippedPeers(stageDir, packages);

  await (options.build ?? ((dir) => productionBuild(repo, dir)))(distDir);
  for (const file of TOP_LEVEL_FILES) {
    if (existsSync(join(repo, file))) cpSync(join(repo, file), join(stageDir, file));
  }
  for (const dir of TOP_LEVEL_DIRS) {
    if (existsSync(join(repo, dir))) cpSync(join(repo, dir), join(stageDir, dir), { recursive: true });
  }


  const manifest = stagedManifest(repo, packages, roots);
  writeFileSync(join(stageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(stageDir, '.vscodeignore'), `${STAGE_IGNORE.join('\n')}\n`);
  checkBundlesAreCovered(distDir, packages);
  return { dir: stageDir, manifest: readManifest(stageDir), packages, droppedBinaries, binaries, fetched, fallbacks };
}

/**
 * The runtime closure for `target` and where each package comes from: this machine's node_modules, or, for a
 * platform package npm did not install here (another OS or CPU), the registry through fetchPlatformPackage.
 * A package the registry does not have is left out when it is optional (checkNativeBinaries then decides).
 */
async function resolvePackages(
  repo: string,
  lock: Lockfile,
  roots: readonly string[],
  target: PlatformTarget,
  cacheDir: string,
): Promise<{ packages: RuntimePackage[]; sourceOf: (path: string) => string; fetched: string[] }> {
  const inRepo = (path: string): boolean => existsSync(join(repo, path, 'package.json'));
  const fetchedFrom = new Map<string, string>();
  const fetched: string[] = [];
  for (const pkg of runtimeClosure(lock, roots, target, () => true)) {
    const entry = lock.packages[pkg.path];
    if (inRepo(pkg.path) || entry?.version === undefined) continue;
    try {
      const pinned = { name: pkg.name, version: entry.version, ...(entry.integrity ? { integrity: entry.integrity } : {}) };
      fetchedFrom.set(pkg.path, await fetchPlatformPackage(pinned, cacheDir));
      fetched.push(`${pkg.name}@${entry.version}`);
    } catch (error) {
      if (!(error instanceof PlatformPackageError)) throw error;
      // Left to runtimeClosure: an optional package is dropped, a required one fails with its name.
    }
  }
  const packages = runtimeClosure(lock, roots, target, (path) => inRepo(path) || fetchedFrom.has(path));
  return { packages, sourceOf: (path) => fetchedFrom.get(path) ?? join(repo, path), fetched };
}

/**
 * Throws TargetUnsupportedError when a required native module that is being shipped has no binary for the
 * target; returns a line per optional module that will fall back instead.
 */
function checkNativeBinaries(binaries: readonly string[], roots: readonly string[], target: PlatformTarget): string[] {
  const shippedModules = NATIVE_MODULES.filter((native) => roots.includes(native.module));
  const missing = shippedModules.filter(
    (native) => !binaries.some((binary) => nativeModuleOf(binary)?.module === native.module),
  );
  const required = missing.filter((native) => native.required).map((native) => native.module);
  if (required.length > 0) throw new TargetUnsupportedError(target.name, required);
  return missing.map((native) => `${native.module} has no ${target.name} binary: ${native.fallback}`);
}

/** `node esbuild.mjs --production --outdir=DIR`: the shipped bundles only. */
export function productionBuild(repo: string, distDir: string, only?: 'cli'): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['esbuild.mjs', '--production', `--outdir=${distDir}`, ...(only ? [`--only=${only}`] : [])],
      { cwd: repo, timeout: 300_000 },
      (error, stdout, stderr) =>
        error ? reject(new PackagingError(`production build failed:\n${stdout}${stderr}`, { cause: error })) : resolve(),
    );
  });
}

/**
 * The staged manifest declares exactly the runtime modules as dependencies: the rest of the repository's
 * dependencies are inside the bundles, and vsce checks the declared tree (`npm ls --production`) against
 * node_modules. Scripts and devDependencies mean nothing to an installed extension.
 */
function stagedManifest(
  repo: string,
  packages: readonly RuntimePackage[],
  roots: readonly string[],
): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete manifest.scripts;
  delete manifest.devDependencies;
  const dependencies: Record<string, string> = {};
  for (const root of roots) {
    const pkg = packages.find((candidate) => candidate.path === `node_modules/${root}`);
    if (pkg?.version !== undefined) dependencies[root] = pkg.version;
  }
  manifest.dependencies = dependencies;
  return manifest;
}

/**
 * Peers that are not shipped (surrealdb names typescript and tslib, used only for its type declarations) are
 * marked optional in the staged copies, so `npm ls` accepts the tree. Whether the shipped tree really loads
 * is checked by importing it (verifyRuntimeModules), not assumed.
 */
function relaxUnshippedPeers(stageDir: string, packages: readonly RuntimePackage[]): void {
  const shipped = new Set(packages.map((pkg) => pkg.name));
  for (const pkg of packages) {
    const file = join(stageDir, pkg.path, 'package.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    const unshipped = Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !shipped.has(peer));
    if (unshipped.length === 0) continue;
    manifest.peerDependenciesMeta ??= {};
    for (const peer of unshipped) manifest.peerDependenciesMeta[peer] = { optional: true };
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

/** Fails when a bundle loads a package that is not shipped: esbuild.mjs and RUNTIME_MODULES have drifted apart. */
function checkBundlesAreCovered(distDir: string, packages: readonly RuntimePackage[]): void {
  const shipped = new Set(packages.map((pkg) => pkg.name));
  const builtins = new Set(builtinModules);
  // The bundles and the vendor bundles they require (esbuild.mjs).
  const files = readdirSync(distDir, { recursive: true, encoding: 'utf8' }).filter((name) => /\.(c|m)?js$/.test(name));
  for (const file of files) {
    const missing = bundleImports(readFileSync(join(distDir, file), 'utf8')).filter(
      (name) => !shipped.has(name) && !builtins.has(name),
    );
    if (missing.length > 0) {
      throw new PackagingError(
        `dist/${file} loads ${missing.join(', ')} at run time but the VSIX would not ship it: ` +
          'add it to RUNTIME_MODULES (tools/common/runtimeModules.ts) or let esbuild bundle it',
      );
    }
  }
}
