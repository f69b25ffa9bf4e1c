import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformPackageError } from './errors';

/**
 * Where per-platform packages fetched at package time are kept between runs: under dist/ (git-ignored, never
 * shipped as such: vsixStage copies what a target needs out of it).
 */
export function platformPackageCacheDir(repo: string): string {
  return join(repo, 'dist', '.platform-packages');
}

/** A package as package-lock.json pins it. */
export interface PinnedPackage {
  readonly name: string;
  readonly version: string;
  /** The lock file's `integrity` (sha512 SRI); checked against what the registry hands out when present. */
  readonly integrity?: string;
}

const COMPLETE_MARKER = '.complete';

/**
 * The folder of `pkg` unpacked from the registry, fetched once with `npm pack` (which goes through npm's own
 * cache, registry settings and authentication) and reused afterwards. Why not `npm install --os --cpu`: it
 * would resolve a whole tree; the lock file already says exactly which package and version a target needs.
 * Rejects with PlatformPackageError when the registry does not have it or its integrity differs from the lock.
 */
export async function fetchPlatformPackage(pkg: PinnedPackage, cacheDir: string): Promise<string> {
  const folder = join(cacheDir, `${pkg.name.replace('/', '+')}@${pkg.version}`);
  const unpacked = join(folder, 'package');
  if (existsSync(join(folder, COMPLETE_MARKER))) return unpacked;

  mkdirSync(cacheDir, { recursive: true });
  const scratch = mkdtempSync(join(cacheDir, '.fetch-'));
  try {
    const packed = await run('npm', ['pack', `${pkg.name}@${pkg.version}`, '--json', '--pack-destination', scratch], scratch);
    const [result] = JSON.parse(packed) as Array<{ filename: string; integrity?: string }>;
    if (!result) throw new PlatformPackageError(`npm pack ${pkg.name}@${pkg.version} reported no tarball`);
    if (pkg.integrity !== undefined && result.integrity !== undefined && result.integrity !== pkg.integrity) {
      throw new PlatformPackageError(
        `${pkg.name}@${pkg.version} from the registry has integrity ${result.integrity}, package-lock.json says ${pkg.integrity}`,
      );
    }
    // npm tarballs hold one top-level folder, `package/`. tar ships with Linux, macOS and Windows 10+.
    await run('tar', ['-xzf', join(scratch, result.filename), '-C', scratch], scratch);
    if (!existsSync(join(scratch, 'package', 'package.json'))) {
      throw new PlatformPackageError(`the tarball of ${pkg.name}@${pkg.version} has no package/package.json`);
    }
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    renameSync(join(scratch, 'package'), unpacked);
    writeFileSync(join(folder, COMPLETE_MARKER), '');
    return unpacked;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The packages already in the cache (name@version folders), for reports and tests. */
export function cachedPlatformPackages(cacheDir: string): string[] {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir).filter((name) => existsSync(join(cacheDir, name, COMPLETE_MARKER)));
}

function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // npm is npm.cmd on Windows, which only runs through a shell.
    execFile(
      command,
      args,
      { cwd, timeout: 300_000, maxBuffer: 16 * 1024 * 1024, shell: process.platform === 'win32' },
      (error, stdout, stderr) =>
        error
          ? reject(new PlatformPackageError(`${command} ${args.join(' ')} failed: ${stderr.trim() || error.message}`, { cause: error }))
          : resolve(stdout),
    );
  });
}
