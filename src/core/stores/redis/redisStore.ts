import { Cluster } from 'ioredis';
import { systemClock, type Clock } from '../../clock';
import { ConfigError, StoreError } from '../../errors';
import { TypedEmitter, type Unsubscribe } from '../../events';
import { assertSafePattern } from '../../keys/pattern';
import type { Layer } from '../../layers';
import { describeRedisError } from './redisConnectionError';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  type RedisConnectionOptions,
} from './redisClientOptions';
import { RedisReadBatch } from './redisReadBatch';
import { FRAME_HEADER_BYTES, decodeFrame, decodeFrameHeader, encodeFrame } from './recordFrame';
import type { EntryInfo, SetOptions, Store, StoredRecord, StoreUsage, StoreWrite } from '../store';
import { createRedisClient } from './redisClients';
import { commandFailure, execPipeline, redisStoreClosed as closedError } from './redisCommandFailure';
import { DEFAULT_KEY_PREFIX, RedisKeyLayout } from './redisKeyLayout';
import { RedisKeyspaceScan } from './redisKeyspaceScan';
import { describeTopology, type RedisClient, type RedisTopology } from './redisTopology';
import { TickCork } from './tickCork';

export { DEFAULT_KEY_PREFIX };

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
  private readonly layout: RedisKeyLayout;
  private readonly scan: RedisKeyspaceScan;
  private lastStatus: RedisStoreStatus;
  /** Why the connection last dropped, to explain the commands it took down with it. */
  private connectionError: Error | undefined;
  private closed = false;
  private readonly cork = new TickCork();
  /** How a failed command rejects, given the connection's state now (see commandFailure). */
  private readonly wrap = (error: unknown): Error =>
    commandFailure(error, {
      closed: this.closed,
      connectionError: this.connectionError,
      ready: this.client.status === 'ready',
      commandTimeoutMs: this.commandTimeoutMs,
    });
  /** Point reads of one tick leave as one MGET (see RedisReadBatch). */
  private readonly reads = new RedisReadBatch({
    one: (key) => this.client.getBuffer(key),
    // MGET must not cross hash slots in a cluster: there each key is its own GET, grouped per node by ioredis.
    many: (keys) =>
      this.client.isCluster ? Promise.all(keys.map((key) => this.client.getBuffer(key))) : this.client.mgetBuffer(keys),
  });

  private constructor(options: RedisStoreOptions) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.layout = new RedisKeyLayout(this.keyPrefix);
    this.clock = options.clock ?? systemClock;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.topology = storeTopology(options);
    // One connection batches per tick with TickCork instead of ioredis's auto-pipelining (see there); a
    // cluster keeps auto-pipelining, which is what groups a burst of commands into one pipeline per node.
    this.client = createRedisClient(this.topology, options, { enableAutoPipelining: false });
    this.scan = new RedisKeyspaceScan(this.client, {
      clock: this.clock,
      scanLimit: options.scanLimit ?? 10_000,
      failure: this.wrap,
    });
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
      bytes = await this.reads.get(this.layout.key(layer, key));
    } catch (error) {
      throw this.wrap(error);
    }
    if (bytes === null) return undefined;
    const record = decodeFrame(bytes);
    if (record === undefined) {
      // Under our prefix but not a record we wrote (truncated, foreign): it would be read as a miss forever.
      this.client.unlink(this.layout.key(layer, key)).catch(() => undefined);
      return undefined;
    }
    if (record.expiresAt <= this.clock.now()) return undefined;
    return record;
  }

  async getMany(layer: Layer, keys: readonly string[]): Promise<Array<StoredRecord<Uint8Array> | undefined>> {
    if (this.closed) throw closedError();
    if (keys.length === 0) return [];
    const prefix = this.layout.prefix(layer);
    let found: Array<Buffer | null>;
    this.cork.batchThisTick(this.client);
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
    this.cork.batchThisTick(this.client);
    try {
      await this.client.set(this.layout.key(layer, key), frame, 'PX', redisTtl(options.ttlMs));
    } catch (error) {
      throw this.wrap(error);
    }
  }

  async setMany(layer: Layer, writes: readonly StoreWrite<Uint8Array>[]): Promise<void> {
    if (this.closed) throw closedError();
    if (writes.length === 0) return;
    const prefix = this.layout.prefix(layer);
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
    this.cork.batchThisTick(this.client);
    await execPipeline(pipeline, this.wrap);
  }

  async has(layer: Layer, key: string): Promise<boolean> {
    if (this.closed) throw closedError();
    let head: Buffer;
    this.cork.batchThisTick(this.client);
    try {
      head = await this.client.getrangeBuffer(this.layout.key(layer, key), 0, FRAME_HEADER_BYTES - 1);
    } catch (error) {
      throw this.wrap(error);
    }
    const header = decodeFrameHeader(head);
    return header !== undefined && header.expiresAt > this.clock.now();
  }

  async delete(layer: Layer, key: string): Promise<boolean> {
    if (this.closed) throw closedError();
    this.cork.batchThisTick(this.client);
    try {
      return (await this.client.unlink(this.layout.key(layer, key))) > 0;
    } catch (error) {
      throw this.wrap(error);
    }
  }

  /** SCAN + UNLINK (never KEYS, which blocks the server); counts keys removed, expired-by-clock ones included. */
  async deleteMatching(layer: Layer, pattern: string): Promise<number> {
    if (this.closed) throw closedError();
    assertSafePattern(pattern);
    return this.scan.unlink(this.layout.match(layer, pattern));
  }

  async clear(layer: Layer): Promise<number> {
    if (this.closed) throw closedError();
    return this.scan.unlink(this.layout.match(layer, '*'));
  }

  /** Live keys of the layer; looks at no more than scanLimit stored keys. */
  async keys(layer: Layer, options: { pattern?: string; limit?: number } = {}): Promise<string[]> {
    if (this.closed) throw closedError();
    if (options.pattern !== undefined) assertSafePattern(options.pattern);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const found: string[] = [];
    if (limit <= 0) return found;
    for await (const batch of this.scan.liveEntries(this.layout.match(layer, options.pattern ?? '*'))) {
      for (const { key } of batch) {
        found.push(this.layout.keyOf(layer, key));
        if (found.length >= limit) return found;
      }
    }
    return found;
  }

  /** The newest live entries among the first scanLimit keys SCAN returns (exact below that size). */
  async entries(layer: Layer, limit: number): Promise<EntryInfo[]> {
    if (this.closed) throw closedError();
    const found: EntryInfo[] = [];
    for await (const batch of this.scan.liveEntries(this.layout.match(layer, '*'))) {
      for (const { key, header, size } of batch) {
        found.push({ key: this.layout.keyOf(layer, key), size, createdAt: header.createdAt, expiresAt: header.expiresAt });
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
    for await (const batch of this.scan.liveEntries(this.layout.match(layer, '*'))) {
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
