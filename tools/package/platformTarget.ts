/** A VSIX platform target as vsce names it (`linux-x64`, `alpine-arm64`, `darwin-arm64`, `win32-x64`, ...). */
export interface PlatformTarget {
  readonly name: string;
  /** Node's `process.platform` values. */
  readonly os: string;
  /** Node's `process.arch` values. */
  readonly cpu: string;
  /** Which C library a Linux binary must be built for; undefined elsewhere. */
  readonly libc?: 'glibc' | 'musl';
}

// The targets vsce and the Marketplace accept for a platform-specific extension, minus win32-ia32 (no 32-bit
// Windows build of @surrealdb/node) and web (no Node extension host): TargetPlatform in VS Code's
// src/vs/platform/extensions/common/extensions.ts, and "Platform-specific extensions" in
// https://code.visualstudio.com/api/working-with-extensions/publishing-extension (read 2026-12-06).
const TARGETS: readonly PlatformTarget[] = [
  { name: 'linux-x64', os: 'linux', cpu: 'x64', libc: 'glibc' },
  { name: 'linux-arm64', os: 'linux', cpu: 'arm64', libc: 'glibc' },
  { name: 'linux-armhf', os: 'linux', cpu: 'arm', libc: 'glibc' },
  { name: 'alpine-x64', os: 'linux', cpu: 'x64', libc: 'musl' },
  { name: 'alpine-arm64', os: 'linux', cpu: 'arm64', libc: 'musl' },
  { name: 'darwin-x64', os: 'darwin', cpu: 'x64' },
  { name: 'darwin-arm64', os: 'darwin', cpu: 'arm64' },
  { name: 'win32-x64', os: 'win32', cpu: 'x64' },
  { name: 'win32-arm64', os: 'win32', cpu: 'arm64' },
];

/** Every target `npm run package -- --target all` tries, in a stable order. */
export const ALL_TARGETS: readonly PlatformTarget[] = TARGETS;

export function parseTarget(name: string): PlatformTarget {
  const target = TARGETS.find((candidate) => candidate.name === name);
  if (!target) throw new Error(`unknown target "${name}"; one of: ${TARGETS.map((t) => t.name).join(', ')}`);
  return target;
}

/** The target of the machine this runs on. */
export function hostTarget(
  platform: string = process.platform,
  arch: string = process.arch,
  libc: 'glibc' | 'musl' = hostLibc(),
): PlatformTarget {
  const target = TARGETS.find(
    (candidate) =>
      candidate.os === platform && candidate.cpu === arch && (platform !== 'linux' || candidate.libc === libc),
  );
  if (!target) throw new Error(`no VSIX target for ${platform}-${arch}`);
  return target;
}

function hostLibc(): 'glibc' | 'musl' {
  // Node's diagnostic report names the glibc version it runs on; musl builds have none.
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** Whether a package's `os`/`cpu`/`libc` restrictions (as npm records them) allow it on `target`. */
export function packageFitsTarget(
  restrictions: { os?: readonly string[]; cpu?: readonly string[]; libc?: readonly string[] },
  target: PlatformTarget,
): boolean {
  const allows = (list: readonly string[] | undefined, value: string | undefined): boolean => {
    if (list === undefined || list.length === 0 || value === undefined) return true;
    const denied = list.filter((entry) => entry.startsWith('!')).map((entry) => entry.slice(1));
    const allowed = list.filter((entry) => !entry.startsWith('!'));
    return !denied.includes(value) && (allowed.length === 0 || allowed.includes(value));
  };
  return (
    allows(restrictions.os, target.os) &&
    allows(restrictions.cpu, target.cpu) &&
    allows(restrictions.libc, target.os === 'linux' ? target.libc : undefined)
  );
}

const OS_NAMES = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32'];
const CPU_NAMES = ['x64', 'arm64', 'ia32', 'arm', 'riscv64', 'ppc64', 's390x', 'universal'];
// `surrealdb-node.linux-x64-gnu.node`, `linux-arm64-musl`, `win32-x64-msvc`, `linux-arm-gnueabihf`, `darwin-universal`.
const PLATFORM_TAG = new RegExp(
  `(?:^|[.\\-_/])(${OS_NAMES.join('|')})-(${CPU_NAMES.join('|')})(?:-([a-z]+))?(?=[.\\-_/]|$)`,
);

const LIBC_TAG = /(?:^|[.\-_/])(musl|glibc)(?=[.\-_/]|$)/;

/**
 * Whether a file inside a package is a native binary (or a prebuild folder's file) for some other platform than
 * `target`, judged by the platform tag in its path. Files without a tag are kept: they may be what the target loads.
 */
export function isForOtherPlatform(path: string, target: PlatformTarget): boolean {
  const lower = path.toLowerCase();
  const match = PLATFORM_TAG.exec(lower);
  if (!match) {
    // Packages that are already platform-specific may still carry both C libraries' builds (node.napi.musl.node).
    const libc = LIBC_TAG.exec(lower)?.[1];
    return target.os === 'linux' && libc !== undefined && libc !== target.libc;
  }
  const [, os, cpu, abi] = match;
  if (os !== target.os) return true;
  if (cpu !== target.cpu && !(cpu === 'universal' && os === 'darwin')) return true;
  if (os === 'linux' && abi !== undefined) {
    const musl = abi.startsWith('musl');
    return target.libc === 'musl' ? !musl : musl;
  }
  return false;
}
