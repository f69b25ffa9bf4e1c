import { packageFitsTarget, type PlatformTarget } from './platformTarget';

/** One entry of package-lock.json's `packages` map (lockfile v2/v3). */
export interface LockedPackage {
  readonly version?: string;
  /** The tarball's SRI hash, as the registry served it when the lock was written. */
  readonly integrity?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  /** Recorded, not followed: see {@link runtimeClosure}. */
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
  readonly libc?: readonly string[];
}

/** The part of package-lock.json the closure needs. */
export interface Lockfile {
  readonly packages: Readonly<Record<string, LockedPackage>>;
}

/** A package the extension needs at run time, at its place in node_modules. */
export interface RuntimePackage {
  readonly name: string;
  /** The path relative to the project root, e.g. `node_modules/@surrealdb/node`. */
  readonly path: string;
  readonly version: string | undefined;
}

/**
 * `roots` and everything they need at run time on `target`, resolved the way Node does (nearest node_modules
 * first) through the lockfile. Optional dependencies are kept only when they fit the target and are installed;
 * peer dependencies are not followed (a peer the extension needs must itself be a root).
 */
export function runtimeClosure(
  lock: Lockfile,
  roots: readonly string[],
  target: PlatformTarget,
  installed: (path: string) => boolean,
): RuntimePackage[] {
  const found = new Map<string, RuntimePackage>();
  const queue: Array<{ from: string; name: string; optional: boolean; neededBy: string }> = roots.map((name) => ({
    from: '',
    name,
    optional: false,
    neededBy: 'the extension',
  }));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const path = resolveFrom(lock, next.from, next.name);
    const entry = path === undefined ? undefined : lock.packages[path];
    if (path === undefined || entry === undefined) {
      if (next.optional) continue;
      throw new Error(`${next.name} (needed by ${next.neededBy}) is not in package-lock.json`);
    }
    if (found.has(path)) continue;
    if (!packageFitsTarget(entry, target)) {
      if (next.optional) continue;
      throw new Error(`${next.name} (needed by ${next.neededBy}) does not run on ${target.name}`);
    }
    if (!installed(path)) {
      if (next.optional) continue;
      throw new Error(`${path} (needed by ${next.neededBy}) is not installed: run npm install`);
    }
    found.set(path, { name: next.name, path, version: entry.version });
    for (const name of Object.keys(entry.dependencies ?? {})) {
      queue.push({ from: path, name, optional: false, neededBy: next.name });
    }
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      queue.push({ from: path, name, optional: true, neededBy: next.name });
    }
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** Node's lookup: `from/node_modules/name`, then each enclosing node_modules up to the root. */
function resolveFrom(lock: Lockfile, from: string, name: string): string | undefined {
  for (let base: string | undefined = from; base !== undefined; base = parentPackage(base)) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate] !== undefined) return candidate;
  }
  return undefined;
}

function parentPackage(path: string): string | undefined {
  if (path === '') return undefined;
  const cut = path.lastIndexOf('/node_modules/');
  return cut < 0 ? '' : path.slice(0, cut);
}
