import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer, installExtension } from '../codeServer/codeServer';
import { extensionFolderName } from '../common/extensionManifest';
import { verifyRuntimeModules } from '../common/runtimeModules';
import { PackagingError } from './errors';
import { hostTarget, type PlatformTarget } from './platformTarget';
import { checkVsixBinaries, type VsixBinary } from './vsixBinaries';
import { stageExtension, type StagedExtension } from './vsixStage';

/** Options of {@link packageVsix}. */
export interface PackageOptions {
  readonly repo: string;
  /** Defaults to the machine's own platform. */
  readonly target?: PlatformTarget;
  /** Defaults to `<repo>/<name>-<version>-<target>.vsix`. */
  readonly outFile?: string;
  /** Install the VSIX into a scratch folder with code-server and load its runtime modules there (host target only). */
  readonly verify?: boolean;
  /** Replaces the production build (tests); see StageOptions.build. */
  readonly build?: (distDir: string) => Promise<void>;
  /** See StageOptions.platformPackages. */
  readonly platformPackages?: string;
  readonly log?: (line: string) => void;
}

/** The packaged VSIX and what was checked. */
export interface PackagedVsix {
  readonly file: string;
  readonly bytes: number;
  readonly staged: Omit<StagedExtension, 'dir'>;
  /** The `.node` files in the VSIX, each checked against the target by its header. */
  readonly binaries: readonly VsixBinary[];
  /** Bytes of the extension folder code-server unpacked, when verified. */
  readonly installedBytes?: number;
}

/** Builds a platform-specific VSIX from a staging folder (see stageExtension) with vsce. */
export async function packageVsix(options: PackageOptions): Promise<PackagedVsix> {
  const log = options.log ?? (() => undefined);
  const host = hostTarget();
  const target = options.target ?? host;
  const stageDir = mkdtempSync(join(tmpdir(), 'claude-prompt-cache-vsix-'));
  try {
    log(`staging the ${target.name} extension in ${stageDir}`);
    const staged = await stageExtension({
      repo: options.repo,
      stageDir,
      target,
      ...(options.build ? { build: options.build } : {}),
      ...(options.platformPackages ? { platformPackages: options.platformPackages } : {}),
    });
    if (staged.fetched.length > 0) log(`fetched from the registry for ${target.name}: ${staged.fetched.join(', ')}`);
    for (const line of staged.fallbacks) log(line);
    log(
      `runtime packages: ${staged.packages.map((pkg) => pkg.name).join(', ')}; ` +
        `left out ${staged.droppedBinaries.length} binaries for other platforms`,
    );
    if (target.name === host.name) await verifyRuntimeModules(stageDir);

    const file =
      options.outFile ??
      join(options.repo, `${staged.manifest.name}-${staged.manifest.version}-${target.name}.vsix`);
    await runVsce(options.repo, stageDir, target, file);
    const bytes = statSync(file).size;
    const binaries = checkVsixBinaries(file, target);
    log(`wrote ${file} (${(bytes / 1024 / 1024).toFixed(1)} MiB; ${binaries.length} native binaries, all ${target.name})`);

    const { dir: _stagedDir, ...summary } = staged;
    if (!(options.verify ?? true) || target.name !== host.name) return { file, bytes, staged: summary, binaries };
    const installedBytes = await verifyInstall(file, extensionFolderName(staged.manifest), log);
    return { file, bytes, staged: summary, binaries, installedBytes };
  } finally {
    rmSync(stageDir, { recursive: true, force: true });
  }
}

function runVsce(repo: string, stageDir: string, target: PlatformTarget, file: string): Promise<void> {
  const vsce = join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');
  if (!existsSync(vsce)) return Promise.reject(new PackagingError(`${vsce} is missing: run npm install`));
  // No --allow-missing-repository or --skip-license: package.json names the repository and LICENSE ships, and
  // any warning vsce still prints fails the packaging (see vsceWarnings).
  const args = [vsce, 'package', '--target', target.name, '--out', file];
  return new Promise((resolve, reject) => {
    // stdin is closed so a question from vsce fails the run instead of hanging it.
    const child = execFile(process.execPath, args, { cwd: stageDir, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new PackagingError(`vsce package failed:\n${stdout}${stderr}`, { cause: error }));
      const warnings = vsceWarnings(`${stdout}\n${stderr}`);
      if (warnings.length > 0) return reject(new PackagingError(`vsce package warned:\n${warnings.join('\n')}`));
      resolve();
    });
    child.stdin?.end();
  });
}

/**
 * The WARNING lines of vsce's output (util.log.warn prefixes them with "WARNING"; in GitHub Actions it writes
 * "::warning::"). The one about a newer vsce release is news, not a problem with the package.
 */
export function vsceWarnings(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /\bWARNING\b|::warning::/.test(line))
    .filter((line) => !/The latest version of @vscode\/vsce is/.test(line));
}

async function verifyInstall(file: string, folderName: string, log: (line: string) => void): Promise<number> {
  const install = await ensureCodeServer({ log });
  const extensionsDir = mkdtempSync(join(tmpdir(), 'claude-prompt-cache-vsix-check-'));
  try {
    await installExtension(file, extensionsDir, install);
    const installed = join(extensionsDir, folderName);
    if (!existsSync(join(installed, 'package.json'))) {
      throw new PackagingError(`code-server installed ${file} but ${installed} is missing`);
    }
    await verifyRuntimeModules(installed);
    const bytes = folderBytes(installed);
    log(`installed with code-server into ${installed} (${(bytes / 1024 / 1024).toFixed(1)} MiB); runtime modules load`);
    return bytes;
  } finally {
    rmSync(extensionsDir, { recursive: true, force: true });
  }
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + statSync(join(entry.parentPath, entry.name)).size, 0);
}
