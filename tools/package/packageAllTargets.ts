import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TargetUnsupportedError } from './errors';
import { packageVsix, type PackagedVsix } from './packageVsix';
import { ALL_TARGETS, hostTarget, type PlatformTarget } from './platformTarget';
import { productionBuild } from './vsixStage';

/** Options of {@link packageAllTargets}. */
export interface PackageAllOptions {
  readonly repo: string;
  /** Defaults to `<repo>/dist/vsix`. */
  readonly outDir?: string;
  /** Defaults to ALL_TARGETS. */
  readonly targets?: readonly PlatformTarget[];
  /** Install the host target's VSIX with code-server and load its modules (see PackageOptions.verify). */
  readonly verify?: boolean;
  /** Replaces the production build (tests); it runs once and every target gets a copy. */
  readonly build?: (distDir: string) => Promise<void>;
  /** See StageOptions.platformPackages. */
  readonly platformPackages?: string;
  readonly log?: (line: string) => void;
}

/** What `--target all` wrote and which targets it could not build, with the reason. */
export interface PackagedTargets {
  readonly written: ReadonlyArray<{ readonly target: string; readonly vsix: PackagedVsix }>;
  readonly skipped: ReadonlyArray<{ readonly target: string; readonly reason: string }>;
}

/**
 * A VSIX per target, each with only its platform's binaries (see stageExtension). The bundles are platform
 * independent, so they are built once. A target whose required native binary does not exist is skipped and
 * reported, not failed: the rest are still worth publishing.
 */
export async function packageAllTargets(options: PackageAllOptions): Promise<PackagedTargets> {
  const log = options.log ?? (() => undefined);
  const outDir = options.outDir ?? join(options.repo, 'dist', 'vsix');
  mkdirSync(outDir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(options.repo, 'package.json'), 'utf8')) as { name: string; version: string };
  const prebuilt = mkdtempSync(join(tmpdir(), 'claude-prompt-cache-bundles-'));
  const host = hostTarget();
  try {
    await (options.build ?? ((dir) => productionBuild(options.repo, dir)))(prebuilt);
    const written: Array<{ target: string; vsix: PackagedVsix }> = [];
    const skipped: Array<{ target: string; reason: string }> = [];
    for (const target of options.targets ?? ALL_TARGETS) {
      try {
        const vsix = await packageVsix({
          repo: options.repo,
          target,
          outFile: join(outDir, `${manifest.name}-${manifest.version}-${target.name}.vsix`),
          verify: (options.verify ?? true) && target.name === host.name,
          build: async (distDir) => cpSync(prebuilt, distDir, { recursive: true }),
          ...(options.platformPackages ? { platformPackages: options.platformPackages } : {}),
          log: (line) => log(`${target.name}: ${line}`),
        });
        written.push({ target: target.name, vsix });
      } catch (error) {
        if (!(error instanceof TargetUnsupportedError)) throw error;
        skipped.push({ target: target.name, reason: error.message });
        log(`skipped ${target.name}: ${error.message}`);
      }
    }
    return { written, skipped };
  } finally {
    rmSync(prebuilt, { recursive: true, force: true });
  }
}
