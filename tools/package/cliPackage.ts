import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleImports } from './bundleImports';
import { PackagingError } from './errors';
import { productionBuild } from './vsixStage';

/**
 * The npm package of the CLI lives in `cli/`: its own package.json (bin `claude-cache`, the runtime modules the
 * bundle leaves to node_modules as dependencies, so npm picks each platform's binaries as usual) and the
 * production build of dist/cli.js. npm's rules: `bin` and `files` in https://docs.npmjs.com/cli/v11/configuring-npm/package-json,
 * `publishConfig.access` for a public package (read 2026-12-06).
 */
export function cliPackageDir(repo: string): string {
  return join(repo, 'cli');
}

interface CliManifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

/**
 * Writes cli/dist/ from the production build (the launcher cli.js, the CLI's bundle cli-main.js and the vendor
 * bundles it requires on first use, see esbuild.mjs) and cli/LICENSE; checks they load nothing undeclared.
 */
export async function buildCliPackage(repo: string): Promise<string> {
  const dir = cliPackageDir(repo);
  const scratch = mkdtempSync(join(tmpdir(), 'claude-prompt-cache-cli-'));
  try {
    await productionBuild(repo, scratch, 'cli');
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as CliManifest;
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    mkdirSync(join(dir, 'dist', 'vendor'), { recursive: true });
    const files = [...readdirSync(scratch).filter((name) => name.endsWith('.js')), ...readdirSync(join(scratch, 'vendor')).map((name) => join('vendor', name))];
    for (const file of files) {
      checkDeclared(readFileSync(join(scratch, file), 'utf8'), manifest, repo);
      copyFileSync(join(scratch, file), join(dir, 'dist', file));
    }
    chmodSync(join(dir, 'dist', 'cli.js'), 0o755);
    copyFileSync(join(repo, 'LICENSE'), join(dir, 'LICENSE'));
    return dir;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds the CLI package and `npm pack`s it into `outDir`; returns the tarball's path. */
export async function packCliPackage(repo: string, outDir: string): Promise<string> {
  const dir = await buildCliPackage(repo);
  mkdirSync(outDir, { recursive: true });
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'npm',
      ['pack', '--json', '--pack-destination', outDir],
      { cwd: dir, timeout: 300_000, maxBuffer: 16 * 1024 * 1024, shell: process.platform === 'win32' },
      (error, out, err) => (error ? reject(new PackagingError(`npm pack of ${dir} failed: ${err}`, { cause: error })) : resolve(out)),
    );
  });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  if (!packed) throw new PackagingError(`npm pack of ${dir} reported no tarball`);
  return join(outDir, packed.filename);
}

/**
 * Fails when the CLI bundle loads a package cli/package.json does not declare, or declares it with a range the
 * repository's own copy (what the tests ran against) does not satisfy by major version.
 */
function checkDeclared(bundle: string, manifest: CliManifest, repo: string): void {
  const declared = { ...manifest.dependencies, ...manifest.optionalDependencies };
  const builtins = new Set(builtinModules);
  const rootLock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  for (const name of bundleImports(bundle).filter((candidate) => !builtins.has(candidate))) {
    const range = declared[name];
    if (range === undefined) {
      throw new PackagingError(`dist/cli.js loads ${name} at run time but cli/package.json does not depend on it`);
    }
    const locked = rootLock.packages[`node_modules/${name}`]?.version;
    const major = /^\^?(\d+)\./.exec(range)?.[1];
    if (locked !== undefined && major !== undefined && locked.split('.')[0] !== major) {
      throw new PackagingError(`cli/package.json asks for ${name}@${range}, the repository builds against ${locked}`);
    }
  }
}
