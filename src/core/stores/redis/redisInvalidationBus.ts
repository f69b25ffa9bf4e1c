import { CacheClosedError, ConfigError, StoreError } from '../../errors';
import type { Unsubscribe } from '../../events';
import type { InvalidationBus, InvalidationMessage } from '../../tiered/invalidationBus';
import { parseInvalidationMessage } from './parseInvalidationMessage';
import { describeRedisError } from './redisConnectionError';
import { DEFAULT_CONNECT_TIMEOUT_MS, type RedisConnectionOptions } from './redisClientOptions';
import { DEFAULT_KEY_PREFIX } from './redisStore';
import { createRedisClient, duplicateRedisClient } from './redisClients';
import type { RedisClient, RedisTopology } from './redisTopology';

/** Exactly one of `url` (standalone) and `topology` says where Redis is. */
export interface RedisInvalidationBusOptions extends RedisConnectionOptions {
  /** `redis://...`, the server the cache instances share. */
  url?: string;
  /** Any topology; in a cluster a PUBLISH on one node reaches subscribers on every node. */
  topology?: RedisTopology;
  /**
   * Instances talk on `${keyPrefix}invalidations`, so only those sharing keys hear each other;
   * default `claude-cache:`.
   */
  keyPrefix?: string;
}

type Handler = (message: InvalidationMessage) => void;

/**
 * Invalidations between cache instances over Redis pub/sub. Publishing uses a normal connection; listening
 * needs a connection of its own (a subscribed connection can do nothing else), which is (re)subscribed every
 * time it becomes ready, so a Redis restart or a Redis that was down at start costs only the messages sent
 * meanwhile (covered by TTLs).
 */
export class RedisInvalidationBus implements InvalidationBus {
  /** The pub/sub channel. */
  readonly channel: string;

  private readonly subscriber: RedisClient;
  private readonly handlers = new Set<Handler>();
  private readonly connectTimeoutMs: number;
  private closed = false;
  /** Why the publishing connection last failed, to explain a refused publish (e.g. a wrong password). */
  private publisherError: Error | undefined;

  private constructor(
    private readonly publisher: RedisClient,
    private readonly ownsPublisher: boolean,
    keyPrefix: string,
    connectTimeoutMs: number,
  ) {
    this.channel = `${keyPrefix}invalidations`;
    this.connectTimeoutMs = connectTimeoutMs;
    publisher.on('error', (error: Error) => (this.publisherError = error));
    publisher.on('ready', () => (this.publisherError = undefined));
    // Subscriptions are restored by the ready handler below, also after a start with Redis down. A cluster's
    // subscriber moves to another node by itself when its node goes, keeping its channels.
    this.subscriber = duplicateRedisClient(publisher);
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('ready', () => {
      if (this.handlers.size > 0) this.subscriber.subscribe(this.channel).catch(() => undefined);
    });
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.deliver(text);
    });
  }

  /**
   * A bus with connections of its own. Resolves at once: it connects in the background and keeps retrying, so a
   * Redis that is down at start does not keep the cache from starting.
   */
  static async connect(options: RedisInvalidationBusOptions): Promise<RedisInvalidationBus> {
    const topology: RedisTopology | undefined =
      options.topology ?? (options.url !== undefined ? { mode: 'standalone', url: options.url } : undefined);
    if (topology === undefined) throw new ConfigError('redis.url', 'an invalidation bus needs a url or a topology');
    const publisher = createRedisClient(topology, options);
    publisher.on('error', () => undefined);
    publisher.connect().catch(() => undefined);
    return new RedisInvalidationBus(
      publisher,
      true,
      options.keyPrefix ?? DEFAULT_KEY_PREFIX,
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    );
  }

  /** A bus that publishes through an existing connection (e.g. RedisStore.client) and does not close it. */
  static forClient(
    client: RedisClient,
    options: { keyPrefix?: string; connectTimeoutMs?: number } = {},
  ): RedisInvalidationBus {
    return new RedisInvalidationBus(
      client,
      false,
      options.keyPrefix ?? DEFAULT_KEY_PREFIX,
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    );
  }

  /** Rejects with StoreError when Redis cannot take the message now. */
  async publish(message: InvalidationMessage): Promise<void> {
    if (this.closed) throw new CacheClosedError('invalidation bus is closed');
    try {
      await this.publisher.publish(this.channel, JSON.stringify(message));
    } catch (error) {
      const why = this.publisher.status !== 'ready' && this.publisherError ? this.publisherError : error;
      throw new StoreError('redis', `publish failed: ${describeRedisError(why)}`, { cause: error });
    }
  }

  /**
   * Adds a handler and resolves once the channel is subscribed, or without waiting further once Redis turns out
   * to be unreachable (within connectTimeoutMs): the subscription then starts when Redis comes back.
   */
  async subscribe(handler: Handler): Promise<Unsubscribe> {
    if (this.closed) throw new CacheClosedError('invalidation bus is closed');
    this.handlers.add(handler);
    const unsubscribe: Unsubscribe = () => {
      this.handlers.delete(handler);
    };
    if (this.subscriber.status === 'wait') this.subscriber.connect().catch(() => undefined);
    await this.settled();
    if (this.subscriber.status === 'ready') {
      await this.subscriber.subscribe(this.channel).catch(() => undefined);
    }
    return unsubscribe;
  }

  /** Drops every handler and the bus's connections (not a borrowed publisher). A second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.subscriber.disconnect();
    if (this.ownsPublisher) {
      if (this.publisher.status === 'ready') await this.publisher.quit().catch(() => this.publisher.disconnect());
      else this.publisher.disconnect();
    }
  }

  private deliver(text: string): void {
    const message = parseInvalidationMessage(text);
    if (message === undefined) return;
    for (const handler of this.handlers) {
      try {
        handler(message);
      } catch {
        // One faulty handler must not keep the others from hearing the invalidation.
      }
    }
  }

  /** Resolves when the subscriber connection is ready, has failed an attempt, or connectTimeoutMs passed. */
  private settled(): Promise<void> {
    const status = this.subscriber.status;
    if (status !== 'connecting' && status !== 'connect') return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.subscriber.off('ready', done);
        this.subscriber.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, this.connectTimeoutMs);
      this.subscriber.once('ready', done);
      this.subscriber.once('close', done);
    });
  }
}
