import { join } from 'node:path';
import { StoreError, describeError } from '../../../errors';
import { lockedByAnotherProcess } from './directoryLock';
import { stillRunning, thisProcess } from '../../../io/processIdentity';
import { reportedDirectoryDamage } from '../surrealConnectFailure';
import { directoryClaim, holdsDirectory, releaseSurreal, type SurrealConnection } from '../surrealConnection';
import { SurrealDirectoryBusyError, SurrealDirectoryDamagedError } from '../surrealErrors';
import type { SurrealLink } from '../surrealLink';
import { openCacheClient, openCacheDatabase, type CacheDatabaseOptions } from '../surrealOpen';
import { newAccessToken, ownerFilePath, readOwnerRecord, removeOwnerRecord, writeOwnerRecord, type OwnerRecord } from './ownerRecord';
import type { SurrealRpcRelay } from './rpcRelay';

export type SharedRole = 'owner' | 'client' | 'searching' | 'closed';

type Current =
  | { role: 'owner'; connection: SurrealConnection; relay: SurrealRpcRelay; record: OwnerRecord }
  | { role: 'client'; connection: SurrealConnection; ownerPid: number; unsubscribe: () => void };

/** Directories a SharedSurrealDirectory of this process is closing: a reopen meanwhile waits instead of failing. */
const closingHere = new Set<string>();

/** Pause between two looks for an owner: short at first, then no more than a second. */
const FIRST_PAUSE_MS = 40;
const LONGEST_PAUSE_MS = 1_000;
/** Damage must be reported by this many opens in a row before the directory counts as damaged. */
const DAMAGE_REPORTS_NEEDED = 2;

/**
 * An embedded SurrealDB directory shared by every process of this user on this machine (VS Code windows, CLI
 * runs). The engine locks a directory to one process, so one process owns it: it opens the directory and relays
 * SurrealDB's RPC protocol to it on 127.0.0.1 (SurrealRpcRelay), and publishes port and access token in a 0600
 * file beside the directory. Every other process is a client through the SDK's ws:// engine.
 *
 * When the owner goes (closed, crashed, killed), its clients lose the socket and look again: the first to find
 * the lock free opens the directory and becomes the owner; the rest become its clients. A process never opens a
 * directory whose lock another process holds (the engine would wait for it without end), so nothing here can
 * hang: open() gives up after its bound, and while a client is between owners its queries fail fast, which the
 * tiered cache sees as a degraded tier that recovers.
 */
export class SharedSurrealDirectory implements SurrealLink {
  private current: Current | undefined;
  private searching: Promise<void> | undefined;
  private closed = false;
  private readonly ownerFile: string;
  /** Why the last look did not connect; part of the error while searching. */
  private lastReason = '';
  /** Opens in a row on which SurrealDB reported the files damaged. */
  private damageReports = 0;

  private constructor(
    private readonly directory: string,
    private readonly options: CacheDatabaseOptions,
  ) {
    this.ownerFile = ownerFilePath(directory);
  }

  /**
   * Becomes the owner or a client within about `openTimeoutMs` (default: the connect timeout). When that fails
   * because the directory is busy (another process holds it without sharing it, or an owner is on its way out)
   * it rejects with SurrealDirectoryBusyError, or with `keepLooking` resolves anyway and keeps looking in the
   * background; other failures reject with a StoreError.
   */
  static async open(
    directory: string,
    options: CacheDatabaseOptions & { openTimeoutMs?: number; keepLooking?: boolean },
  ): Promise<SharedSurrealDirectory> {
    const shared = new SharedSurrealDirectory(directory, options);
    const deadline = Date.now() + (options.openTimeoutMs ?? options.connectTimeoutMs);
    let pause = FIRST_PAUSE_MS;
    for (;;) {
      const outcome = await shared.lookOnce();
      if (outcome === 'connected') return shared;
      if (typeof outcome !== 'string') throw outcome;
      if (Date.now() >= deadline) {
        if (!options.keepLooking) throw new SurrealDirectoryBusyError(`cannot open ${directory}: ${outcome}`);
        shared.lookInBackground();
        return shared;
      }
      await sleep(jitter(pause));
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    }
  }

  get role(): SharedRole {
    if (this.closed) return 'closed';
    return this.current?.role ?? 'searching';
  }

  connection(): SurrealConnection {
    if (this.current) return this.current.connection;
    if (this.closed) throw new StoreError('surreal', 'the shared directory is closed');
    throw new StoreError('surreal', `looking for the owner of ${this.directory}${this.lastReason ? ` (${this.lastReason})` : ''}`);
  }

  describe(): string {
    const current = this.current;
    if (current?.role === 'owner') return `shared, owned by this process, relay on 127.0.0.1:${current.relay.port}`;
    if (current?.role === 'client') return `shared, through process ${current.ownerPid}`;
    return `shared, looking for an owner${this.lastReason ? ` (${this.lastReason})` : ''}`;
  }

  ownerPid(): number | undefined {
    return this.current?.role === 'client' ? this.current.ownerPid : undefined;
  }

  /** Lets go of the directory (owner: drops every client, releases it, removes the owner file) or the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.searching;
    const current = this.current;
    this.current = undefined;
    if (current?.role !== 'owner') return this.release(current);
    closingHere.add(this.directory);
    try {
      await this.release(current);
    } finally {
      closingHere.delete(this.directory);
    }
  }

  /**
   * One look: connect to a live owner, or take the directory when nobody holds it. 'connected', a reason to look
   * again later, or an error that looking again cannot fix.
   */
  private async lookOnce(): Promise<'connected' | string | Error> {
    const record = await readOwnerRecord(this.ownerFile);
    if (record !== undefined && record.pid === process.pid && directoryClaim(this.url) === 'open') {
      if (closingHere.has(this.directory)) return (this.lastReason = 'this process is still letting go of it');
      return new StoreError('surreal', `${this.url} is already open in this process`);
    }
    // A record is only worth a connection while the very process that wrote it runs: same PID and, where it can
    // be read, same start time (a reused PID is someone else, and its record is stale at once).
    let unanswered: string | undefined;
    if (record !== undefined && record.pid !== process.pid && (await stillRunning(record))) {
      try {
        await this.becomeClient(record);
        return 'connected';
      } catch (error) {
        // An owner on its way out has closed its relay but may still hold the lock; a record may name a relay
        // that is gone. Either way the lock decides below, instead of waiting on a process that does not serve.
        unanswered = `its owner, process ${record.pid}, does not answer: ${describeError(error)}`;
      }
    }
    if (holdsDirectory(this.url)) return (this.lastReason = 'this process is still letting go of it');
    const locked = await lockedByAnotherProcess(join(this.directory, 'LOCK'));
    if (locked === true) {
      return (this.lastReason = unanswered !== undefined ? `${unanswered}; it still holds the lock` : 'another process holds its lock without sharing it');
    }
    try {
      await this.becomeOwner();
      this.damageReports = 0;
      return 'connected';
    } catch (error) {
      return this.failedToOwn(error);
    }
  }

  /**
   * Why taking the directory failed, as a reason to look again or an error to give up with. Losing the lock to
   * another process, a timeout, an owner on its way out: look again; nothing here is ever taken for damage.
   * Damage is only what SurrealDB itself reports about the files on an open that got past the lock, and only
   * when the next open reports it again with nobody else holding the lock (SurrealDirectoryDamagedError).
   */
  private async failedToOwn(error: unknown): Promise<string | Error> {
    const damage = reportedDirectoryDamage(error);
    if (damage === undefined) {
      this.damageReports = 0;
      if (isPermanentFailure(error)) return error instanceof Error ? error : new StoreError('surreal', describeError(error));
      return (this.lastReason = describeError(error));
    }
    const heldElsewhere = await lockedByAnotherProcess(join(this.directory, 'LOCK'));
    if (heldElsewhere === true || (await this.ownerRunning())) {
      this.damageReports = 0;
      return (this.lastReason = `${damage} (while another process holds it: looking again)`);
    }
    this.damageReports += 1;
    if (this.damageReports < DAMAGE_REPORTS_NEEDED) return (this.lastReason = `${damage} (checking again)`);
    this.damageReports = 0;
    return new SurrealDirectoryDamagedError(this.directory, damage, { cause: error });
  }

  /** Whether the owner file names a process other than this one that is still running. */
  private async ownerRunning(): Promise<boolean> {
    const record = await readOwnerRecord(this.ownerFile);
    return record !== undefined && record.pid !== process.pid && (await stillRunning(record));
  }

  private get url(): string {
    return this.options.url;
  }

  private async becomeOwner(): Promise<void> {
    const connection = await openCacheDatabase(this.options);
    let relay: SurrealRpcRelay | undefined;
    try {
      if (!connection.rpc) throw new StoreError('surreal', 'the embedded engine offers no RPC entry point to share');
      // Loaded here, with its WebSocket server: a process that never owns a directory never loads either.
      const { SurrealRpcRelay } = await import('./rpcRelay');
      relay = await SurrealRpcRelay.start({ rpc: connection.rpc, token: newAccessToken() });
      const { startedAt } = await thisProcess();
      const record: OwnerRecord = { pid: process.pid, ...(startedAt !== undefined ? { startedAt } : {}), port: relay.port, token: relay.token };
      await writeOwnerRecord(this.ownerFile, record);
      await this.adopt({ role: 'owner', connection, relay, record });
    } catch (error) {
      await relay?.close();
      await releaseSurreal(this.url, connection.db).catch(() => undefined);
      throw error;
    }
  }

  private async becomeClient(record: OwnerRecord): Promise<void> {
    const { username: _username, password: _password, ...rest } = this.options;
    const connection = await openCacheClient({
      ...rest,
      url: `ws://127.0.0.1:${record.port}`,
      webSocketHeaders: { authorization: `Bearer ${record.token}` },
      reconnect: false,
    });
    const unsubscribe = connection.db.subscribe('disconnected', () => this.lost(connection));
    await this.adopt({ role: 'client', connection, ownerPid: record.pid, unsubscribe });
  }

  /** Keeps what a look found, unless close() came meanwhile: then it is let go of at once. */
  private async adopt(found: Current): Promise<void> {
    if (this.closed) {
      await this.release(found);
      throw new StoreError('surreal', 'closed while connecting');
    }
    this.current = found;
    this.lastReason = '';
  }

  /** The owner went away: look for the next one in the background until found or closed. */
  private lost(connection: SurrealConnection): void {
    if (this.closed || this.current?.connection !== connection) return;
    const previous = this.current;
    this.current = undefined;
    if (previous.role === 'client') previous.unsubscribe();
    this.lastReason = `process ${previous.role === 'client' ? previous.ownerPid : process.pid} stopped serving it`;
    this.lookInBackground();
  }

  private lookInBackground(): void {
    this.searching ??= this.searchUntilFound().finally(() => {
      this.searching = undefined;
    });
  }

  private async searchUntilFound(): Promise<void> {
    let pause = FIRST_PAUSE_MS;
    while (!this.closed) {
      const outcome = await this.lookOnce().catch((error: unknown) => describeError(error));
      if (outcome === 'connected') return;
      if (outcome instanceof Error) this.lastReason = outcome.message;
      await sleep(jitter(pause));
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    }
  }

  private async release(current: Current | undefined): Promise<void> {
    if (current?.role === 'owner') {
      await current.relay.close();
      try {
        await releaseSurreal(this.url, current.connection.db);
      } finally {
        await removeOwnerRecord(this.ownerFile, current.record);
      }
    } else if (current?.role === 'client') {
      current.unsubscribe();
      await current.connection.db.close().catch(() => undefined);
    }
  }
}

/**
 * Failures no wait can mend, all raised before the engine touches the files: the directory cannot be created or
 * written, the SurrealDB modules cannot be loaded, or this process has the directory open already.
 */
function isPermanentFailure(error: unknown): boolean {
  return error instanceof StoreError && /cannot be created or written|cannot load the SurrealDB modules|already open in this process/.test(error.message);
}

/** Spreads the looks of many clients that lost one owner at the same moment, so one of them wins the lock. */
function jitter(ms: number): number {
  return Math.round(ms * (0.5 + Math.random()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
