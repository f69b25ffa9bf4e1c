import { CacheError, describeError } from '../errors';
import { importSurrealNode } from './esmPackages';

/**
 * The native binaries the engine uses, loaded here and nowhere else, so that a binary missing or built for
 * another platform on a user's machine turns one feature off with a warning instead of failing the whole
 * extension or CLI at load time (a top-level `import` of a native module throws while the bundle loads).
 * msgpackr-extract is not here: msgpackr requires it inside try/catch and decodes in JavaScript without it
 * (node_modules/msgpackr/node-index.js, msgpackr 2.1.3).
 */

/** The platform as Node names it (`linux-arm64`, `win32-x64`): what a warning about a missing binary names. */
export function runtimePlatform(): string {
  return `${process.platform}-${process.arch}`;
}

/** A native module cannot be loaded on this machine; `consequence` says what the cache does without it. */
export class NativeModuleUnavailableError extends CacheError {
  readonly code = 'E_NATIVE_MODULE';

  constructor(
    readonly module: string,
    readonly platform: string,
    readonly consequence: string,
    cause: unknown,
  ) {
    super(`${module} cannot be loaded on ${platform} (${describeError(cause)}): ${consequence}`, { cause });
  }
}

/** The two functions of lz4-napi the codec uses. */
export interface Lz4Binding {
  compressSync(data: Buffer): Buffer;
  uncompressSync(data: Uint8Array): Buffer;
}

/** How each native module is loaded; tests replace them to simulate a machine without the binary. */
export interface NativeLoaders {
  lz4(): Lz4Binding;
  surrealNode(): Promise<typeof import('@surrealdb/node')>;
}

const DEFAULT_LOADERS: NativeLoaders = {
  // require, not import: the codec is synchronous. esbuild keeps it as require("lz4-napi") (an external).
  lz4: () => require('lz4-napi') as Lz4Binding,
  // ESM-only, and must share the ESM `surrealdb` instance (see surrealConnection.ts and esmPackages.ts).
  surrealNode: importSurrealNode,
};

export const LZ4_MODULE = 'lz4-napi';
export const SURREAL_NODE_MODULE = '@surrealdb/node';
const LZ4_CONSEQUENCE =
  'values are stored uncompressed, and compressed entries written by other machines are read as misses';
const SURREAL_CONSEQUENCE = 'running without the embedded SurrealDB tier; the memory and Redis tiers still work';

let loaders: NativeLoaders = DEFAULT_LOADERS;
let lz4State: { binding: Lz4Binding } | { failure: NativeModuleUnavailableError } | undefined;

/**
 * Replaces some loaders until the returned function is called (tests). Results already loaded are forgotten
 * both now and on restore, so each side sees its own loaders.
 */
export function replaceNativeLoaders(replacement: Partial<NativeLoaders>): () => void {
  const previous = loaders;
  loaders = { ...loaders, ...replacement };
  lz4State = undefined;
  return () => {
    loaders = previous;
    lz4State = undefined;
  };
}

/** lz4-napi, loaded on first use; undefined when it cannot load here (see lz4Unavailable for why). */
export function lz4Binding(): Lz4Binding | undefined {
  const state = loadLz4();
  return 'binding' in state ? state.binding : undefined;
}

/** Why lz4-napi cannot load on this machine, or undefined when it loads. */
export function lz4Unavailable(): NativeModuleUnavailableError | undefined {
  const state = loadLz4();
  return 'failure' in state ? state.failure : undefined;
}

function loadLz4(): { binding: Lz4Binding } | { failure: NativeModuleUnavailableError } {
  if (lz4State === undefined) {
    try {
      lz4State = { binding: loaders.lz4() };
    } catch (error) {
      lz4State = { failure: new NativeModuleUnavailableError(LZ4_MODULE, runtimePlatform(), LZ4_CONSEQUENCE, error) };
    }
  }
  return lz4State;
}

/** @surrealdb/node (the embedded engine); rejects with NativeModuleUnavailableError naming module and platform. */
export async function loadSurrealNode(): Promise<typeof import('@surrealdb/node')> {
  try {
    return await loaders.surrealNode();
  } catch (error) {
    throw new NativeModuleUnavailableError(SURREAL_NODE_MODULE, runtimePlatform(), SURREAL_CONSEQUENCE, error);
  }
}
