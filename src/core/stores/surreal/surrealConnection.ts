import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RecordId, Surreal } from 'surrealdb';
import { StoreError, describeError } from '../../errors';
import { reapAbandonedEngine } from './abandonedEngineReaper';
import { waitForDirectoryRelease } from './directoryRelease';
import { classifySurrealConnectFailure } from './surrealConnectFailure';
import { SurrealUnreachableError } from './surrealErrors';
import { redactUrl } from '../../security/redactUrl';
import { loadSurrealNode } from '../../native/nativeModules';
import { importSurrealSdk } from '../../native/esmPackages';
import { wsModule } from '../../lazy/lazyModules';

export interface SurrealConnectOptions {
  url: string;
  namespace: string;
  database: string;
  username?: string;
  password?: string;
  connectTimeoutMs: number;
  /** Extra headers on the WebSocket upgrade (the access token of a shared directory's owner). */
  webSocketHeaders?: Readonly<Record<string, string>>;
  /**
   * Whether a lost server connection is re-established by the SDK (default true: it retries without limit,
   * restoring namespace, database and sign-in). A shared directory's client turns it off: it looks for the
   * next owner itself.
   */
  reconnect?: boolean;
}

export interface SurrealConnection {
  db: Surreal;
  /** The RecordId class of the very module instance the engine uses (see loadModules). */
  RecordId: new (table: string, id: string) => RecordId;
  /** For an embedded engine: its raw RPC entry point, which a shared directory's owner relays to others. */
  rpc?: EmbeddedRpc;
}

/** One RPC request as SurrealDB's protocol carries it, without the id (the engine adds its own). */
export interface RpcCall {
  method: string;
  params?: unknown[];
  session?: unknown;
  txn?: unknown;
}

/** The embedded engine's RPC surface, with the SDK's CBOR codec and session ids that the engine understands. */
export interface EmbeddedRpc {
  send(call: RpcCall): Promise<unknown>;
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
  newSessionId(): unknown;
}

const EMBEDDED_URL = /^(mem|surrealkv|surrealkv\+versioned|rocksdb):\/\//i;
const DIRECTORY_URL = /^(surrealkv|surrealkv\+versioned|rocksdb):\/\//i;
const WEBSOCKET_URL = /^wss?:\/\//i;

/**
 * Embedded directories this process holds, or is letting go of. Two opens of one directory in one process
 * would hang the second, so it is refused instead; a reopen waits until the previous close has let go.
 */
const claimed = new Map<string, 'open' | Promise<void>>();

/** True while a store of this process has the embedded directory of `url` open (or is letting go of it). */
export function holdsDirectory(url: string): boolean {
  const directory = directoryOf(url);
  return directory !== undefined && claimed.has(directory);
}

/** Whether this process has the directory of `url` open, is letting go of it, or neither. */
export function directoryClaim(url: string): 'open' | 'releasing' | undefined {
  const directory = directoryOf(url);
  const state = directory === undefined ? undefined : claimed.get(directory);
  if (state === undefined) return undefined;
  return state === 'open' ? 'open' : 'releasing';
}

export function isEmbeddedUrl(url: string): boolean {
  return EMBEDDED_URL.test(url);
}

/** True for embedded engines that keep their data in a directory (and lock it). */
export function isDirectoryUrl(url: string): boolean {
  return DIRECTORY_URL.test(url);
}

/**
 * Loads the SDK and, for embedded URLs, the native engine, both through import(): `@surrealdb/node` is ESM-only
 * and imports the ESM `surrealdb`, and RecordId instances are only recognised by the module instance that
 * defined them, so `surrealdb` must come from the same ESM graph (a CommonJS require would be a second copy).
 */
async function loadModules(embedded: boolean): Promise<{
  sdk: typeof import('surrealdb');
  node: typeof import('@surrealdb/node') | undefined;
}> {
  let sdk: typeof import('surrealdb');
  try {
    sdk = await importSurrealSdk();
  } catch (error) {
    throw new StoreError('surreal', `cannot load the SurrealDB modules: ${describeError(error)}`, { cause: error });
  }
  try {
    // The native engine goes through loadSurrealNode, whose error names the module and this machine's platform.
    return { sdk, node: embedded ? await loadSurrealNode() : undefined };
  } catch (error) {
    throw new StoreError('surreal', describeError(error), { cause: error });
  }
}

/** The SDK's RecordId class, from the module instance connectSurreal's connections use. */
export async function surrealRecordIdClass(): Promise<SurrealConnection['RecordId']> {
  return (await loadModules(false)).sdk.RecordId;
}

/**
 * Connects, once, within connectTimeoutMs; rejects with StoreError. There is deliberately no retry with
 * shorter attempts: an embedded connect abandoned while the engine is still opening completes later in the
 * background and keeps the directory locked for the rest of the process (observed with @surrealdb/node 3.0.3).
 */
export async function connectSurreal(options: SurrealConnectOptions): Promise<SurrealConnection> {
  const { url } = options;
  const directory = directoryOf(url);
  if (directory !== undefined) await ensureWritableDirectory(url, directory);
  const embedded = isEmbeddedUrl(url);
  const { sdk, node } = await loadModules(embedded);
  const webSocket = WEBSOCKET_URL.test(url) ? await webSocketClass(options.webSocketHeaders) : undefined;
  await claim(url);
  const seen: { engine?: EngineLike; context?: EngineContext; error?: Error } = {};
  const db = new sdk.Surreal({
    engines: watchEngines(node ? node.createNodeEngines() : sdk.createRemoteEngines(), seen),
    ...(webSocket ? { websocketImpl: webSocket } : {}),
  });
  const outcome = await attempt(db, url, connectOptionsOf(options), options.connectTimeoutMs, seen);
  if (outcome === 'connected') {
    const rpc = embedded && seen.engine && seen.context ? embeddedRpc(seen.engine, seen.context, sdk) : undefined;
    return { db, RecordId: sdk.RecordId, ...(rpc ? { rpc } : {}) };
  }
  await db.close().catch(() => undefined);
  const abandoned = seen.engine;
  if (embedded && outcome === 'timeout' && abandoned?.close) reapAbandonedEngine({ close: () => abandoned.close?.() ?? Promise.resolve() });
  unclaim(url);
  const shown = redactUrl(url);
  if (!embedded) {
    const typed = classifySurrealConnectFailure(shown, outcome === 'timeout' ? seen.error : outcome);
    if (typed) throw typed;
    if (outcome === 'timeout') {
      throw new SurrealUnreachableError(`${shown} is unreachable: no connection within ${options.connectTimeoutMs} ms`);
    }
  }
  const reason =
    outcome === 'timeout'
      ? `no connection within ${options.connectTimeoutMs} ms` +
        (isDirectoryUrl(url) ? ' (is another process using this directory?)' : '')
      : describeError(outcome);
  throw new StoreError('surreal', `cannot open ${shown}: ${reason}`, { cause: outcome });
}

type EngineLike = {
  send(request: RpcCall): Promise<unknown>;
  close?(): Promise<void>;
  subscribe?(event: 'error', listener: (error: Error) => void): () => void;
};
type EngineContext = {
  codecs: { cbor?: { encode(value: unknown): Uint8Array; decode(bytes: Uint8Array): unknown } };
};

/**
 * Wraps each engine factory to keep the engine and its context (the embedded engine's RPC entry point is the
 * public send() of the engine instance) and the engine's last error: the SDK does not pass a failed WebSocket's
 * reason on to connect(), which would otherwise just wait.
 */
function watchEngines<E extends Record<string, (context: never) => unknown>>(
  engines: E,
  seen: { engine?: EngineLike; context?: EngineContext; error?: Error },
): E {
  const watched: Record<string, (context: never) => unknown> = {};
  for (const [protocol, factory] of Object.entries(engines)) {
    watched[protocol] = (context: never) => {
      const engine = factory(context) as EngineLike;
      seen.engine = engine;
      seen.context = context as EngineContext;
      engine.subscribe?.('error', (error) => {
        seen.error = error;
      });
      return engine;
    };
  }
  return watched as E;
}

function embeddedRpc(engine: EngineLike, context: EngineContext, sdk: typeof import('surrealdb')): EmbeddedRpc | undefined {
  const cbor = context.codecs.cbor;
  if (!cbor) return undefined;
  return {
    send: (call) => engine.send(call),
    encode: (value) => cbor.encode(value),
    decode: (bytes) => cbor.decode(bytes),
    newSessionId: () => sdk.Uuid.v4(),
  };
}

/**
 * The WebSocket class the SDK should use: Node 20 has no global one, so the `ws` package stands in; `ws` is
 * also the one that can send headers on the upgrade. undefined: the global one, as is.
 */
async function webSocketClass(headers: Readonly<Record<string, string>> | undefined): Promise<typeof WebSocket | undefined> {
  if (headers === undefined && typeof globalThis.WebSocket !== 'undefined') return undefined;
  let ws: typeof import('ws');
  try {
    // require, not import(): the CLI runs from V8's code cache, where import() has no loader (see esmPackages.ts).
    ws = wsModule();
  } catch (error) {
    throw new StoreError('surreal', `this Node.js (${process.version}) has no WebSocket and the ws package cannot be loaded: ${describeError(error)}`, {
      cause: error,
    });
  }
  const Base = ws.WebSocket ?? (ws as unknown as { default: typeof import('ws').WebSocket }).default;
  const extra = headers ?? {};
  class HeaderWebSocket extends Base {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { ...extra } });
    }
  }
  // The SDK types its option as the DOM WebSocket; ws implements the part it uses (addEventListener, send,
  // close, readyState, binaryType), which is the documented way to run the SDK on Node without a global one.
  return HeaderWebSocket as unknown as typeof WebSocket;
}

/**
 * Closes a connection. For an embedded directory this resolves once the engine has let go of it, so the next
 * open() in this process can take it: the engine releases the directory a moment after close() resolves, and a
 * connect in that moment hangs for good.
 */
export async function releaseSurreal(url: string, db: Surreal): Promise<void> {
  const directory = directoryOf(url);
  if (directory === undefined) {
    await db.close();
    return;
  }
  const released = (async () => {
    try {
      await db.close();
    } finally {
      await waitForDirectoryRelease(directory);
    }
  })();
  const settled = released.then(
    () => undefined,
    () => undefined,
  );
  claimed.set(directory, settled);
  try {
    await released;
  } finally {
    if (claimed.get(directory) === settled) claimed.delete(directory);
  }
}

function connectOptionsOf(options: SurrealConnectOptions): Parameters<Surreal['connect']>[1] {
  return {
    namespace: options.namespace,
    database: options.database,
    reconnect: options.reconnect === false ? false : RECONNECT,
    ...(options.username !== undefined
      ? { authentication: { username: options.username, password: options.password ?? '' } }
      : {}),
  };
}

/** Without end, and never slower than every 10 s: a server that comes back is used again (the tier recovers). */
const RECONNECT = { enabled: true, attempts: -1, retryDelay: 250, retryDelayMax: 10_000 };

async function attempt(
  db: Surreal,
  url: string,
  options: Parameters<Surreal['connect']>[1],
  timeoutMs: number,
  seen: { error?: Error },
): Promise<'connected' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout' | Error>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    // A server that refused the socket will not answer later: give its reason now instead of the timeout.
    poll = setInterval(() => {
      if (seen.error) resolve(seen.error);
    }, 20);
  });
  try {
    return await Promise.race([
      db.connect(url, options).then(
        () => 'connected' as const,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
  }
}

async function claim(url: string): Promise<void> {
  const key = directoryOf(url);
  if (key === undefined) return;
  for (;;) {
    const state = claimed.get(key);
    if (state === undefined) break;
    if (state === 'open') throw new StoreError('surreal', `${url} is already open in this process`);
    await state;
  }
  claimed.set(key, 'open');
}

function unclaim(url: string): void {
  const key = directoryOf(url);
  if (key !== undefined && claimed.get(key) === 'open') claimed.delete(key);
}

/** One key per directory, whatever the engine prefix or trailing slash. */
/**
 * An embedded engine given a directory it cannot create or write waits out the whole connect timeout and then
 * looks like a lock held elsewhere; saying what is wrong with the directory up front is the useful message.
 */
async function ensureWritableDirectory(url: string, directory: string): Promise<void> {
  try {
    await makeDirectory(directory, 64);
    await access(directory, constants.W_OK);
  } catch (error) {
    throw new StoreError('surreal', `cannot open ${redactUrl(url)}: its directory cannot be created or written (${describeError(error)})`, {
      cause: error,
    });
  }
}

/**
 * mkdir -p by hand, bounded: Node 20's `mkdir(..., { recursive: true })` spins forever on some paths that cannot
 * be created (seen with /proc/nope/x).
 */
async function makeDirectory(directory: string, depth: number): Promise<void> {
  try {
    await mkdir(directory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(directory);
    if (code !== 'ENOENT' || depth <= 0 || parent === directory) throw error;
    await makeDirectory(parent, depth - 1);
    await mkdir(directory).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

/** The folder of an embedded directory URL (`surrealkv:///abs/dir` -> `/abs/dir`); undefined for other URLs. */
export function directoryOf(url: string): string | undefined {
  if (!DIRECTORY_URL.test(url)) return undefined;
  return url.replace(DIRECTORY_URL, '').replace(/\/+$/, '');
}
