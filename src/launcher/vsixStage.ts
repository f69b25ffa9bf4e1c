import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import { bundleImports } from './bundleImports';
import { PackagingError } from './errors';
import { readManifest, type ExtensionManifest } from './extensionManifest';
import { isForOtherPlatform, type PlatformTarget } from './platformTarget';
import { runtimeClosure, type Lockfile, type RuntimePackage } from './runtimeClosure';
import { RUNTIME_MODULES } from './runtimeModules';

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
}

/** What went into the staging folder. */
export interface StagedExtension {
  readonly dir: string;
  readonly manifest: ExtensionManifest;
  readonly packages: readonly RuntimePackage[];
  /** Native binaries for other platforms left out, relative to the staging folder. */
  readonly droppedBinaries: readonly string[];
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
  await (options.build ?? ((dir) => productionBuild(repo, dir)))(distDir);

  for (const file of TOP_LEVEL_FILES) {
    if (existsSync(join(repo, file))) cpSync(join(repo, file), join(stageDir, file));
  }
  for (const dir of TOP_LEVEL_DIRS) {
    if (existsSync(join(repo, dir))) cpSync(join(repo, dir), join(stageDir, dir), { recursive: true });
  }

  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as Lockfile;
  const packages = runtimeClosure(lock, roots, target, (path) => existsSync(join(repo, path, 'package.json')));
  const droppedBinaries: string[] = [];
  for (const pkg of packages) {
    const from = join(repo, pkg.path);
    cpSync(from, join(stageDir, pkg.path), {
      recursive: true,
      filter: (source) => {
        const inside = relative(from, source).split(sep).join('/');
        if (inside === 'node_modules' || inside.startsWith('node_modules/')) return false; // staged on its own
        if (NATIVE_PATH.test(inside) && isForOtherPlatform(inside, target)) {
          droppedBinaries.push(`${pkg.path}/${inside}`);
          return false;
        }
        return true;
      },
    });
  }
  relaxUnshippedPeers(stageDir, packages);

  const manifest = stagedManifest(repo, packages, roots);
  writeFileSync(join(stageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(stageDir, '.vscodeignore'), `${STAGE_IGNORE.join('\n')}\n`);
  checkBundlesAreCovered(distDir, packages);
  return { dir: stageDir, manifest: readManifest(stageDir), packages, droppedBinaries };
}

function productionBuild(repo: string, distDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['esbuild.mjs', '--production', `--outdir=${distDir}`],
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
  for (const file of readdirSync(distDir).filter((name) => /\.(c|m)?js$/.test(name))) {
    const missing = bundleImports(readFileSync(join(distDir, file), 'utf8')).filter(
      (name) => !shipped.has(name) && !builtins.has(name),
    );
    if (missing.length > 0) {
      throw new PackagingError(
        `dist/${file} loads ${missing.join(', ')} at run time but the VSIX would not ship it: ` +
          'add it to RUNTIME_MODULES (src/launcher/runtimeModules.ts) or let esbuild bundle it',
      );
    }
  }
}
