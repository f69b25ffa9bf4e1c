import type { RecordId, Surreal } from 'surrealdb';
import { StoreError, describeError } from '../errors';

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
const FILE_URL = /^(surrealkv|surrealkv\+versioned|rocksdb):\/\//i;
const WEBSOCKET_URL = /^wss?:\/\//i;
/** First connect attempt; each retry waits twice as long, until connectTimeoutMs is spent. */
const FIRST_ATTEMPT_MS = 250;
/**
 * How long a release waits after the engine reports closed. The native engine lets go of a surrealkv directory
 * a few milliseconds after that; a connect in between hangs (measured: 1 ms always, 3 ms never, on this
 * machine). Opening also retries a hung connect, so this only makes the common reopen fast.
 */
const RELEASE_SETTLE_MS = 25;

/**
 * Embedded directories this process holds, or is letting go of. Two opens of one directory in one process
 * would hang the second, so it is refused instead; a reopen waits for the previous release to settle.
 */
const claimed = new Map<string, 'open' | Promise<void>>();

export function isEmbeddedUrl(url: string): boolean {
  return EMBEDDED_URL.test(url);
}

/** True for embedded engines that keep their data in a directory (and lock it). */
export function isDirectoryUrl(url: string): boolean {
  return FILE_URL.test(url);
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

/** Connects with retries until connectTimeoutMs; rejects with StoreError, leaving nothing open. */
export async function connectSurreal(options: SurrealConnectOptions): Promise<SurrealConnection> {
  const { url } = options;
  const embedded = isEmbeddedUrl(url);
  if (WEBSOCKET_URL.test(url) && typeof globalThis.WebSocket === 'undefined') {
    throw new StoreError(
      'surreal',
      `${url}: this Node.js (${process.version}) has no WebSocket; use http(s)://host:port for the same server`,
    );
  }
  const { sdk, node } = await loadModules(embedded);
  await claim(url);
  const connectOptions = {
    namespace: options.namespace,
    database: options.database,
    ...(options.username !== undefined
      ? { authentication: { username: options.username, password: options.password ?? '' } }
      : {}),
  };
  const deadline = Date.now() + options.connectTimeoutMs;
  let attemptMs = FIRST_ATTEMPT_MS;
  for (;;) {
    const db = new sdk.Surreal({ engines: node ? node.createNodeEngines() : sdk.createRemoteEngines() });
    const outcome = await attempt(db, url, connectOptions, Math.max(1, Math.min(attemptMs, deadline - Date.now())));
    if (outcome === 'connected') return { db, RecordId: sdk.RecordId };
    // An abandoned attempt must not keep connecting (and, embedded, must not keep the directory).
    await db.close().catch(() => undefined);
    if (outcome !== 'timeout' || Date.now() >= deadline) {
      await release(url, 0);
      const reason =
        outcome === 'timeout'
          ? `no connection within ${options.connectTimeoutMs} ms` +
            (FILE_URL.test(url) ? ' (is another process using this directory?)' : '')
          : describeError(outcome);
      throw new StoreError('surreal', `cannot open ${redactUrl(url)}: ${reason}`, { cause: outcome });
    }
    attemptMs *= 2;
  }
}

/**
 * Closes a connection. For an embedded directory this resolves once the engine has let go of it, so the next
 * open() in this process can take it.
 */
export async function releaseSurreal(url: string, db: Surreal): Promise<void> {
  try {
    await db.close();
  } finally {
    await release(url, RELEASE_SETTLE_MS);
  }
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

async function release(url: string, settleMs: number): Promise<void> {
  const key = claimKey(url);
  if (key === undefined) return;
  const settled = new Promise<void>((resolve) => setTimeout(resolve, settleMs)).then(() => {
    if (claimed.get(key) === settled) claimed.delete(key);
  });
  claimed.set(key, settled);
  await settled;
}

/** One key per directory, whatever the engine prefix or trailing slash. */
function claimKey(url: string): string | undefined {
  if (!FILE_URL.test(url)) return undefined;
  return url.replace(FILE_URL, '').replace(/\/+$/, '');
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
