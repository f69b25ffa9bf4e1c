import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RecordId, Surreal } from 'surrealdb';
import { StoreError, describeError } from '../errors';
import { waitForDirectoryRelease } from './directoryRelease';

export interface SurrealConnectOptions {
  url: string;
  namespace: string;
  database: string;
  username?: string;
  password?: string;
  connectTimeoutMs: number;
}

export interface SurrealConnection {
  db: Surreal;
  /** The RecordId class of the very module instance the engine uses (see loadModules). */
  RecordId: new (table: string, id: string) => RecordId;
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
  const directory = claimKey(url);
  return directory !== undefined && claimed.has(directory);
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
  try {
    const sdk = await import('surrealdb');
    const node = embedded ? await import('@surrealdb/node') : undefined;
    return { sdk, node };
  } catch (error) {
    throw new StoreError('surreal', `cannot load the SurrealDB modules: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Connects, once, within connectTimeoutMs; rejects with StoreError. There is deliberately no retry with
 * shorter attempts: an embedded connect abandoned while the engine is still opening completes later in the
 * background and keeps the directory locked for the rest of the process (observed with @surrealdb/node 3.0.3).
 */
export async function connectSurreal(options: SurrealConnectOptions): Promise<SurrealConnection> {
  const { url } = options;
  if (WEBSOCKET_URL.test(url) && typeof globalThis.WebSocket === 'undefined') {
    throw new StoreError(
      'surreal',
      `${url}: this Node.js (${process.version}) has no WebSocket; use http(s)://host:port for the same server`,
    );
  }
  const directory = claimKey(url);
  if (directory !== undefined) await ensureWritableDirectory(url, directory);
  const { sdk, node } = await loadModules(isEmbeddedUrl(url));
  await claim(url);
  const db = new sdk.Surreal({ engines: node ? node.createNodeEngines() : sdk.createRemoteEngines() });
  const outcome = await attempt(db, url, connectOptionsOf(options), options.connectTimeoutMs);
  if (outcome === 'connected') return { db, RecordId: sdk.RecordId };
  await db.close().catch(() => undefined);
  unclaim(url);
  const reason =
    outcome === 'timeout'
      ? `no connection within ${options.connectTimeoutMs} ms` +
        (isDirectoryUrl(url) ? ' (is another process using this directory?)' : '')
      : describeError(outcome);
  throw new StoreError('surreal', `cannot open ${redactUrl(url)}: ${reason}`, { cause: outcome });
}

/**
 * Closes a connection. For an embedded directory this resolves once the engine has let go of it, so the next
 * open() in this process can take it: the engine releases the directory a moment after close() resolves, and a
 * connect in that moment hangs for good.
 */
export async function releaseSurreal(url: string, db: Surreal): Promise<void> {
  const directory = claimKey(url);
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
    ...(options.username !== undefined
      ? { authentication: { username: options.username, password: options.password ?? '' } }
      : {}),
  };
}

async function attempt(
  db: Surreal,
  url: string,
  options: Parameters<Surreal['connect']>[1],
  timeoutMs: number,
): Promise<'connected' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
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
  }
}

async function claim(url: string): Promise<void> {
  const key = claimKey(url);
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
  const key = claimKey(url);
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

function claimKey(url: string): string | undefined {
  if (!DIRECTORY_URL.test(url)) return undefined;
  return url.replace(DIRECTORY_URL, '').replace(/\/+$/, '');
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
