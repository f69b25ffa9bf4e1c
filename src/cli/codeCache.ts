import { isAscii } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { ESM_IMPORT } from '../core/native/esmPackages';

/**
 * Loads a CommonJS bundle with V8's code cache, so a start does not compile the megabyte of engine code again:
 * on the bench machine compiling cli-main.js took 60-85 ms of a cached run's ~250 ms. Node 22.1+ does this itself
 * (`module.enableCompileCache`, https://nodejs.org/api/module.html#moduleenablecompilecachecachedir); on Node 20
 * the bundle is compiled through `vm.Script` with `cachedData` and `createCachedData()`
 * (https://nodejs.org/api/vm.html#new-vmscriptcode-options), the way Node's own cache works.
 *
 * The cache lives in the user's cache folder (0700), one file per bundle build, Node version, Node options and command (a
 * `run` compiles more of the bundle than `--help`). V8 refuses data made for other source or another V8 and the
 * file is written again; any failure here only means compiling as usual.
 */
export function requireWithCodeCache(file: string, command: string | undefined): unknown {
  const directory = codeCacheDirectory();
  const nodeCache = (Module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  // NODE_DISABLE_COMPILE_CACHE=1 is Node's own switch for its compile cache (module.constants.compileCacheStatus
  // .DISABLED, https://nodejs.org/api/module.html#module-compile-cache, seen 2026-12-07); it turns this one off too.
  if (directory === undefined || process.env.NODE_DISABLE_COMPILE_CACHE) return require(file);
  if (typeof nodeCache === 'function') {
    nodeCache(directory);
    return require(file);
  }
  try {
    return runCached(file, directory, command);
  } catch (error) {
    if (error instanceof CodeCacheUnusable) return require(file);
    throw error;
  }
}

/** A reason to load the bundle the usual way: nothing of it has run yet. */
class CodeCacheUnusable extends Error {}

function runCached(file: string, directory: string, command: string | undefined): unknown {
  let source: string;
  let key: string;
  let version: string;
  try {
    // esbuild writes ASCII (non-ASCII characters escaped), and an ASCII file read as latin1 is the same string
    // without UTF-8 decoding: 0.5 ms instead of 6 for the CLI's bundle on the bench machine.
    const bytes = readFileSync(file);
    source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
    const { size, mtimeMs } = statSync(file);
    const profile = command !== undefined && /^[a-z][a-z-]{0,23}$/.test(command) ? command : 'other';
    // V8 refuses a cache made under other flags: runs with other Node options keep a cache of their own.
    const flags = fnv1a(`${process.execArgv.join(' ')}\u0000${process.env.NODE_OPTIONS ?? ''}`);
    version = `${basename(file)}-${size}-${Math.floor(mtimeMs)}-`;
    key = `${version}${process.version}-${process.arch}-${flags}-${profile}.v8`;
  } catch {
    throw new CodeCacheUnusable();
  }
  const cacheFile = join(directory, key);
  // The bundle's import() of ESM-only packages goes through this module, compiled as usual (see esmPackages.ts).
  (globalThis as { [ESM_IMPORT]?: (specifier: string) => Promise<unknown> })[ESM_IMPORT] = (specifier) => import(specifier);
  const cachedData = readOwnFile(cacheFile);
  // The same wrapper Node gives a CommonJS file, and a shebang line made a comment, as Node's loader does.
  const body = source.startsWith('#!') ? `//${source}` : source;
  let script: Script;
  try {
    script = new Script(Module.wrap(body), {
      filename: file,
      ...(cachedData ? { cachedData } : {}),
    });
  } catch {
    throw new CodeCacheUnusable();
  }
  if (!cachedData || script.cachedDataRejected === true) {
    // After the command ran, so the cache holds every function it compiled, not only the top level.
    process.once('exit', () => saveCodeCache(script, directory, cacheFile, basename(file), version));
  }
  const bundle = new Module(file);
  bundle.filename = file;
  bundle.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(dirname(file));
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  wrapper.call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, dirname(file));
  bundle.loaded = true;
  return bundle.exports;
}

/** `$XDG_CACHE_HOME` or `~/.cache` (`%LOCALAPPDATA%` on Windows), then claude-prompt-cache/code-cache; created 0700. */
function codeCacheDirectory(): string | undefined {
  try {
    const base =
      process.platform === 'win32'
        ? (process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'))
        : (process.env.XDG_CACHE_HOME || join(homedir(), '.cache'));
    const directory = join(base, 'claude-prompt-cache', 'code-cache');
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    return directory;
  } catch {
    return undefined;
  }
}

/** The file's bytes when it exists and, where owners exist, belongs to this user: code runs from it. */
function readOwnFile(file: string): Buffer | undefined {
  try {
    const uid = process.getuid?.();
    if (uid !== undefined && statSync(file).uid !== uid) return undefined;
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function saveCodeCache(script: Script, directory: string, cacheFile: string, bundleName: string, version: string): void {
  try {
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, cacheFile);
    // Caches of other builds of the bundle are of no use any more.
    for (const name of readdirSync(directory)) {
      if (name.startsWith(`${bundleName}-`) && !name.startsWith(version)) unlinkSync(join(directory, name));
    }
  } catch {
    // A cache that cannot be written: the next start compiles again.
  }
}

/** A short name for a string (FNV-1a, 32 bits, hex): the first use of node:crypto in a process costs a millisecond. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
