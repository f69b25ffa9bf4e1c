import Redis, { Cluster, type ChainableCommander } from 'ioredis';
import { systemClock, type Clock } from '../../clock';
import { CacheClosedError, ConfigError, StoreError, StoreTimeoutError, describeError } from '../../errors';
import { TypedEmitter, type Unsubscribe } from '../../events';
import { assertSafePattern } from '../../keys/pattern';
import { LAYERS, type Layer } from '../../layers';
import { describeRedisError } from './redisConnectionError';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  type RedisConnectionOptions,
} from './redisClientOptions';
import { RedisReadBatch } from './redisReadBatch';
import { FRAME_HEADER_BYTES, decodeFrame, decodeFrameHeader, encodeFrame, type FrameHeader } from './recordFrame';
import type { EntryInfo, SetOptions, Store, StoredRecord, StoreUsage, StoreWrite } from '../store';
import { createRedisClient, scanTargets } from './redisClients';
import { describeTopology, type RedisClient, type RedisTopology } from './redisTopology';

/** Exactly one of `url` (standalone) and `topology` says where Redis is. */
export interface RedisStoreOptions extends RedisConnectionOptions {
  /** Standalone: `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url?: string;
  /** Any topology: standalone, a Redis Cluster, or a sentinel-managed master. */
  topology?: RedisTopology;
  /** Put before every key (`${keyPrefix}${layer}:${key}`) and the invalidation channel; default `claude-cache:`. */
  keyPrefix?: string;
  /** The cache clock that createdAt/expiresAt are read against; the system clock by default. */
  clock?: Clock;
  /** Most keys keys()/entries()/usage() look at per call, so a huge keyspace cannot stall a view; default 10000. */
  scanLimit?: number;
}

/**
 * ready: commands are sent; connecting: a connection attempt is under way; down: no connection (waiting to
 * retry, or closed). Commands reject at once unless ready.
 */
export type RedisStoreStatus = 'ready' | 'connecting' | 'down';

export interface RedisStoreEvents extends Record<string, unknown> {
  status: RedisStoreStatus;
  /** Connection-level errors (refused, reset); command errors reject their own promise instead. */
  error: Error;
}

export const DEFAULT_KEY_PREFIX = 'claude-cache:';
const SCAN_BATCH = 500;

/**
 * The shared tier: framed bytes in Redis under `${keyPrefix}${layer}:${key}`. It fails fast while Redis is
 * unreachable (no offline queue) and reconnects in the background, so a dead server costs the tiered cache a
 * rejected promise, not a stall.
 */
export class RedisStore implements Store<Uint8Array> {
  readonly tier = 'redis' as const;
  /** The ioredis connection (a Cluster in cluster mode); shared with helpers such as the invalidation bus. */
  readonly client: RedisClient;
  readonly topology: RedisTopology;
  readonly keyPrefix: string;
  readonly events = new TypedEmitter<RedisStoreEvents>();

  private readonly clock: Clock;
  private readonly commandTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly scanLimit: number;
  private readonly layerPrefixes = {} as Record<Layer, string>;
  private lastStatus: RedisStoreStatus;
  /** Why the connection last dropped, to explain the commands it took down with it. */
  private connectionError: Error | undefined;
  private closed = false;
  /** The socket corked for this tick's commands, until process.nextTick uncorks it. */
  private corked: { uncork(): void } | undefined;
  private readonly uncork = (): void => {
    const stream = this.corked;
    this.corked = undefined;
    stream?.uncork();
  };
  /** Point reads of one tick leave as one MGET (see RedisReadBatch). */
  private readonly reads = new RedisReadBatch({
    one: (key) => this.client.getBuffer(key),
    // MGET must not cross hash slots in a cluster: there each key is its own GET, grouped per node by ioredis.
    many: (keys) =>
      this.client.isCluster ? Promise.all(keys.map((key) => this.client.getBuffer(key))) : this.client.mgetBuffer(keys),
  });

  private constructor(options: RedisStoreOptions) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.clock = options.clock ?? systemClock;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.scanLimit = options.scanLimit ?? 10_000;
    for (const layer of LAYERS) this.layerPrefixes[layer] = `${this.keyPrefix}${layer}:`;
    this.topology = storeTopology(options);
    // One connection batches per tick in batchThisTick() instead of ioredis's auto-pipelining (see there); a
    // cluster keeps auto-pipelining, which is what groups a burst of commands into one pipeline per node.
    this.client = createRedisClient(this.topology, options, { enableAutoPipelining: false });
    this.lastStatus = this.status;
    this.client.on('error', (error: Error) => {
      this.connectionError = error;
      this.events.emit('error', error);
    });
    this.client.on('ready', () => {
      this.connectionError = undefined;
    });
    for (const event of ['connecting', 'connect', 'ready', 'close', 'reconnecting', 'end'] as const) {
      this.client.on(event, () => this.noteStatus());
    }
  }

  /**
   * Connects and resolves once Redis answers. Rejects with StoreError when it cannot within connectTimeoutMs,
   * leaving no connection or timer behind.
   */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const store = new RedisStore(options);
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        store.client.connect(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return store;
    } catch (error) {
      store.closed = true;
      store.client.disconnect();
      // A refused AUTH surfaces only as "Connection is closed" from connect(); the error event says why.
      const why = store.connectionError ?? error;
      const reason = `cannot connect to ${describeTopology(store.topology)}: ${describeRedisError(why)}`;
      throw new StoreError('redis', reason, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Returns at once and connects in the background, retrying with backoff: the cache starts even when Redis is
   * down, and this tier comes up when Redis does. Until then every command rejects with StoreError.
   */
  static create(options: RedisStoreOptions): RedisStore {
    const store = new RedisStore(options);
    // The first failure is reported through `events` and status; the retry strategy takes it from there.
    store.client.connect().catch(() => undefined);
    return store;
  }

  onReady(listener: () => void): Unsubscribe {
    return this.events.on('status', (status) => {
      if (status === 'ready') listener();
    });
  }

  /** The topology as it is now, for views: "cluster, 3 masters", "sentinel "mymaster", master 10.0.0.7:6379". */
  describeConnection(): string {
    const client = this.client;
    if (client instanceof Cluster) {
      const masters = client.status === 'ready' ? client.nodes('master').length : 0;
      return `cluster, ${masters} ${masters === 1 ? 'master' : 'masters'}`;
    }
    if (this.topology.mode === 'sentinel') {
      const stream = this.status === 'ready' ? client.stream : undefined;
      const at = stream?.remoteAddress ? `, master ${stream.remoteAddress}:${stream.remotePort}` : ', no master reachable';
      return `sentinel "${this.topology.name}"${at}`;
    }
    return 'standalone';
  }

  get status(): RedisStoreStatus {
    if (this.closed) return 'down';
    switch (this.client.status) {
      case 'ready':
        return 'ready';
      case 'connecting':
      case 'connect':
      case 'wait':
        return 'connecting';
      default:
        return 'down';
    }
  }

  async get(layer: Layer, key: string): Promise<StoredRecord<Uint8Array> | undefined> {
    if (this.closed) throw closedError();
    let bytes: Buffer | null;
    try {
      bytes = await this.reads.get(this.layerPrefixes[layer] + key);
    } catch (error) {
      throw this.wrap(error);
    }
    if (bytes === null) return undefined;
    const record = decodeFrame(bytes);
    if (record === undefined) {
      // Under our prefix but not a record we wrote (truncated, foreign): it would be read as a miss forever.
      this.client.unlink(this.layerPrefixes[layer] + key).catch(() => undefined);
      return undefined;
    }
    if (record.expiresAt <= this.clock.now()) return undefined;
    return record;
  }

  async getMany(layer: Layer, keys: readonly string[]): Promise<Array<StoredRecord<Uint8Array> | undefined>> {
    if (this.closed) throw closedError();
    if (keys.length === 0) return [];
    const prefix = this.layerPrefixes[layer];
    let found: Array<Buffer | null>;
    this.batchThisTick();
    try {
      // MGET must not cross slots in a cluster: one GET per key, which auto-pipelining sends per node.
      found =
        this.client instanceof Cluster
          ? await Promise.all(keys.map((key) => this.client.getBuffer(prefix + key)))
          : await this.client.mgetBuffer(keys.map((key) => prefix + key));
    } catch (error) {
      throw this.wrap(error);
    }
    const now = this.clock.now();
    return found.map((bytes) => {
      const record = bytes === null ? undefined : decodeFrame(bytes);
      return record === undefined || record.expiresAt <= now ? undefined : record;
    });
  }

  async set(layer: Layer, key: string, value: Uint8Array, options: SetOptions): Promise<void> {
    if (this.closed) throw closedError();
    const createdAt = this.clock.now();
    const frame = encodeFrame(value, createdAt, createdAt + options.ttlMs);
    this.batchThisTick();
    try {
      await this.client.set(this.layerPrefixes[layer] + key, frame, 'PX', redisTtl(options.ttlMs));
    } catch (error) {
      throw this.wrap(error);
    }
  }

  async setMany(layer: Layer, writes: readonly StoreWrite<Uint8Array>[]): Promise<void> {
    if (this.closed) throw closedError();
    if (writes.length === 0) return;
    const prefix = this.layerPrefixes[layer];
    const createdAt = this.clock.now();
    if (this.client instanceof Cluster) {
      // A cluster pipeline must stay on one node: separate SETs, grouped per node by auto-pipelining.
      const client = this.client;
      try {
        await Promise.all(
          writes.map((write) =>
            client.set(prefix + write.key, encodeFrame(write.value, createdAt, createdAt + write.ttlMs), 'PX', redisTtl(write.ttlMs)),
          ),
        );
      } catch (error) {
        throw this.wrap(error);
      }
      return;
    }
    const pipeline = this.client.pipeline();
    for (const write of writes) {
      const frame = encodeFrame(write.value, createdAt, createdAt + write.ttlMs);
      pipeline.set(prefix + write.key, frame, 'PX', redisTtl(write.ttlMs));
    }
    this.batchThisTick();
    await this.exec(pipeline);
  }

  async has(layer: Layer, key: string): Promise<boolean> {
    if (this.closed) throw closedError();
    let head: Buffer;
    this.batchThisTick();
    try {
      head = await this.client.getrangeBuffer(this.layerPrefixes[layer] + key, 0, FRAME_HEADER_BYTES - 1);
    } catch (error) {
      throw this.wrap(error);
    }
    const header = decodeFrameHeader(head);
    return header !== undefined && header.expiresAt > this.clock.now();
  }

  async delete(layer: Layer, key: string): Promise<boolean> {
    if (this.closed) throw closedError();
    this.batchThisTick();
    try {
      return (await this.client.unlink(this.layerPrefixes[layer] + key)) > 0;
    } catch (error) {
      throw this.wrap(error);
    }
  }

  /** SCAN + UNLINK (never KEYS, which blocks the server); counts keys removed, expired-by-clock ones included. */
  async deleteMatching(layer: Layer, pattern: string): Promise<number> {
    if (this.closed) throw closedError();
    assertSafePattern(pattern);
    return this.unlinkMatching(this.matchFor(layer, pattern));
  }

  async clear(layer: Layer): Promise<number> {
    if (this.closed) throw closedError();
    return this.unlinkMatching(this.matchFor(layer, '*'));
  }

  /** Live keys of the layer; looks at no more than scanLimit stored keys. */
  async keys(layer: Layer, options: { pattern?: string; limit?: number } = {}): Promise<string[]> {
    if (this.closed) throw closedError();
    if (options.pattern !== undefined) assertSafePattern(options.pattern);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const found: string[] = [];
    if (limit <= 0) return found;
    const prefixLength = this.layerPrefixes[layer].length;
    for await (const batch of this.scanHeaders(this.matchFor(layer, options.pattern ?? '*'))) {
      for (const { key } of batch) {
        found.push(key.slice(prefixLength));
        if (found.length >= limit) return found;
      }
    }
    return found;
  }

  /** The newest live entries among the first scanLimit keys SCAN returns (exact below that size). */
  async entries(layer: Layer, limit: number): Promise<EntryInfo[]> {
    if (this.closed) throw closedError();
    const prefixLength = this.layerPrefixes[layer].length;
    const found: EntryInfo[] = [];
    for await (const batch of this.scanHeaders(this.matchFor(layer, '*'))) {
      for (const { key, header, size } of batch) {
        found.push({ key: key.slice(prefixLength), size, createdAt: header.createdAt, expiresAt: header.expiresAt });
      }
    }
    found.sort((a, b) => b.createdAt - a.createdAt);
    return found.slice(0, Math.max(0, limit));
  }

  /** Live entries and their value bytes; a lower bound when the layer holds more than scanLimit keys. */
  async usage(layer: Layer): Promise<StoreUsage> {
    if (this.closed) throw closedError();
    // Sizing is rare (stats, views) and may wait: a first attempt under way decides whether the tier is reachable,
    // so a `stats` run right after opening reports why Redis is down instead of "not connected yet".
    await this.connectAttemptSettled();
    let entries = 0;
    let bytes = 0;
    for await (const batch of this.scanHeaders(this.matchFor(layer, '*'))) {
      entries += batch.length;
      for (const { size } of batch) bytes += size;
    }
    return { entries, bytes };
  }

  /** Closes the connection after its pending replies. A second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.client.status === 'ready') {
        await this.client.quit();
      } else {
        this.client.disconnect();
      }
    } catch {
      // quit() fails when the connection drops meanwhile: it is gone either way.
      this.client.disconnect();
    }
    this.noteStatus();
    this.events.removeAll();
  }

  /**
   * A SCAN MATCH pattern for a glob over one layer's keys. The user's glob is already limited to the safe key
   * space plus `*` and `?`; the prefix is escaped so a configured prefix can never widen the match.
   */
  private matchFor(layer: Layer, glob: string): string {
    return escapeGlob(this.layerPrefixes[layer]) + glob;
  }

  /**
   * Sends every command issued in this tick in one socket write. ioredis's auto-pipelining does the same with
   * setImmediate, which holds a lone command back for a whole event-loop turn (the bench measured a serial Redis
   * hit ~25 µs slower with it on loopback); corking the socket until process.nextTick costs a lone command
   * nothing, and commands issued together (a burst of concurrent reads resumed by one reply) still leave in one
   * write.
   */
  private batchThisTick(): void {
    if (this.corked !== undefined || this.client.status !== 'ready' || !(this.client instanceof Redis)) return;
    const stream = this.client.stream;
    if (!stream) return;
    this.corked = stream;
    stream.cork();
    process.nextTick(this.uncork);
  }

  /** On every master of a cluster: SCAN sees one node's keys only. */
  private async unlinkMatching(match: string): Promise<number> {
    const counts = await Promise.all(scanTargets(this.client).map((node) => this.unlinkMatchingOn(node, match)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  private async unlinkMatchingOn(node: Redis, match: string): Promise<number> {
    const clustered = this.client instanceof Cluster;
    let cursor = '0';
    let removed = 0;
    try {
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH);
        cursor = next;
        if (keys.length === 0) continue;
        if (!clustered) {
          removed += await node.unlink(...keys);
          continue;
        }
        // A multi-key UNLINK is refused across slots even on one node: one UNLINK per key, in one pipeline.
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.unlink(key);
        for (const reply of await this.exec(pipeline)) removed += typeof reply === 'number' ? reply : 0;
      } while (cursor !== '0');
    } catch (error) {
      throw this.wrap(error);
    }
    return removed;
  }

  /**
   * Batches of live keys with their headers and value sizes, until SCAN ends on every master or scanLimit keys
   * were seen.
   */
  private async *scanHeaders(match: string): AsyncGenerator<Array<{ key: string; header: FrameHeader; size: number }>> {
    let seen = 0;
    for (const node of scanTargets(this.client)) {
      for await (const batch of this.scanHeadersOn(node, match, this.scanLimit - seen)) {
        seen += batch.seen;
        yield batch.live;
      }
      if (seen >= this.scanLimit) return;
    }
  }

  private async *scanHeadersOn(
    node: Redis,
    match: string,
    limit: number,
  ): AsyncGenerator<{ seen: number; live: Array<{ key: string; header: FrameHeader; size: number }> }> {
    let cursor = '0';
    let seen = 0;
    do {
      let keys: string[];
      try {
        [cursor, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH);
      } catch (error) {
        throw this.wrap(error);
      }
      keys = keys.slice(0, limit - seen);
      seen += keys.length;
      if (keys.length === 0) continue;
      // The node's own connection: these keys all live there, and a cluster pipeline must not span nodes.
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.getrangeBuffer(key, 0, FRAME_HEADER_BYTES - 1).strlen(key);
      const replies = await this.exec(pipeline);
      const now = this.clock.now();
      const batch: Array<{ key: string; header: FrameHeader; size: number }> = [];
      keys.forEach((key, index) => {
        const head = replies[index * 2];
        const length = replies[index * 2 + 1];
        if (!Buffer.isBuffer(head) || typeof length !== 'number') return;
        const header = decodeFrameHeader(head);
        if (header === undefined || header.expiresAt <= now) return;
        batch.push({ key, header, size: length - FRAME_HEADER_BYTES });
      });
      yield { seen: keys.length, live: batch };
    } while (cursor !== '0' && seen < limit);
  }

  private async exec(pipeline: ChainableCommander): Promise<unknown[]> {
    let replies: Array<[Error | null, unknown]> | null;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      throw this.wrap(error);
    }
    if (replies === null) throw new StoreError('redis', 'pipeline was discarded');
    return replies.map(([error, reply]) => {
      if (error) throw this.wrap(error);
      return reply;
    });
  }

  private wrap(error: unknown): Error {
    if (error instanceof StoreError || error instanceof CacheClosedError) return error;
    if (this.closed) return closedError();
    const dropped =
      error instanceof Error &&
      (error.name === 'MaxRetriesPerRequestError' || error.message === 'Connection is closed.');
    if (dropped) {
      // The command was in flight when the connection dropped; the drop itself says why.
      const why = this.connectionError;
      if (why && /^Socket timeout/.test(why.message)) return new StoreTimeoutError('redis', this.commandTimeoutMs);
      return new StoreError('redis', `connection lost${why ? `: ${describeRedisError(why)}` : ''}`, { cause: error });
    }
    if (this.client.status !== 'ready') {
      // Refused at once for want of a connection: with enableOfflineQueue false ioredis rejects a command sent
      // before `ready` ("Stream isn't writeable ...", https://github.com/redis/ioredis/issues/945); the last
      // connection error says why.
      const why = this.connectionError;
      return new StoreError('redis', why ? `not connected: ${describeRedisError(why)}` : 'not connected yet', { cause: error });
    }
    return new StoreError('redis', describeError(error), { cause: error });
  }

  /** Resolves once a connection attempt under way succeeded or failed, or after the connect timeout. */
  private connectAttemptSettled(): Promise<void> {
    if (this.status !== 'connecting' || this.connectionError !== undefined) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        stopStatus();
        stopError();
        resolve();
      };
      const timer = setTimeout(done, this.connectTimeoutMs);
      const stopStatus = this.events.on('status', (status) => status !== 'connecting' && done());
      const stopError = this.events.on('error', done);
    });
  }

  private noteStatus(): void {
    const status = this.status;
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this.events.emit('status', status);
  }
}

function storeTopology(options: RedisStoreOptions): RedisTopology {
  if (options.topology !== undefined && options.url !== undefined) {
    throw new ConfigError('redis.url', 'a Redis store takes a url or a topology, not both');
  }
  if (options.topology !== undefined) return options.topology;
  if (options.url !== undefined) return { mode: 'standalone', url: options.url };
  throw new ConfigError('redis.url', 'a Redis store needs a url or a topology');
}

/** Redis wants a whole number of milliseconds > 0. */
function redisTtl(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, '\\$&');
}

function closedError(): CacheClosedError {
  return new CacheClosedError('redis store is closed');
}
