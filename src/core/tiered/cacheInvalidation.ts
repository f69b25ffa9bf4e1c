import type { TypedEmitter, Unsubscribe } from '../events';
import { LAYERS, perTier, type Layer, type Tier } from '../layers';
import type { BackgroundTasks } from './backgroundTasks';
import { SKIPPED } from './guardedTier';
import type { InvalidationMessage } from './invalidationBus';
import { invalidationMatcher, removeFrom } from './invalidationScope';
import type { SharedTierStack } from './sharedTierStack';
import type { TieredCacheOptions } from './tieredCacheOptions';
import type { CacheEvents, InvalidationEvent, MemoryTier } from './tierTypes';
import type { WriteBehindQueue } from './writeBehindQueue';

export interface CacheInvalidationOptions {
  instanceId: string;
  memory: MemoryTier;
  shared: SharedTierStack;
  writeBehind: WriteBehindQueue | undefined;
  bus: TieredCacheOptions['bus'];
  events: TypedEmitter<CacheEvents>;
  background: BackgroundTasks;
  /** False once the cache closed: messages from the bus are then ignored. */
  open: () => boolean;
}

/**
 * Removing entries: from memory, the queued writes and every shared tier, told to other instances over the bus,
 * and heard from them. Each layer has an epoch, bumped by every invalidation of it, so a value computed across one
 * is not stored (it may be built on what was dropped).
 */
export class CacheInvalidation {
  private readonly epochs: Record<Layer, number> = { prompt: 0, module: 0, context: 0, result: 0 };
  private busSubscription: Unsubscribe | undefined;

  constructor(private readonly options: CacheInvalidationOptions) {}

  /** Subscribes to other instances' invalidations; without the bus the cache still works (their copies live until their TTL). */
  async listen(): Promise<void> {
    const bus = this.options.bus;
    if (!bus) return;
    try {
      this.busSubscription = await bus.bus.subscribe((message) => this.onRemote(message));
    } catch (error) {
      this.options.events.emit('tierError', { tier: bus.tier, operation: 'subscribe', error: asError(error) });
    }
  }

  epoch(layer: Layer): number {
    return this.epochs[layer];
  }

  /** Applies an invalidation made here, and tells the other instances. */
  apply(message: InvalidationMessage): Promise<InvalidationEvent> {
    return this.applyFrom(message, false);
  }

  /**
   * Empties one tier of one layer and leaves the others alone. Not broadcast, since other instances' tiers are
   * theirs; queued writes are sent first, or they would refill the tier right after.
   */
  async clearTier(layer: Layer, tier: Tier): Promise<InvalidationEvent> {
    const { memory, shared } = this.options;
    const removed = perTier(() => 0);
    const unreachable: Tier[] = [];
    if (tier === 'memory') {
      removed.memory = await memory.clear(layer);
    } else {
      await this.options.writeBehind?.drain();
      const count = shared.get(tier) ? await shared.scan(tier, 'clear', (store) => store.clear(layer)) : 0;
      if (count === SKIPPED) unreachable.push(tier);
      else removed[tier] = count;
    }
    const event: InvalidationEvent = { scope: 'layer', layer, removed, unreachable, remote: false };
    this.options.events.emit('invalidated', event);
    return event;
  }

  /** Stops listening to the bus and closes it. */
  async close(): Promise<void> {
    this.busSubscription?.();
    await this.options.bus?.bus.close().catch(() => undefined);
  }

  private async applyFrom(message: InvalidationMessage, remote: boolean): Promise<InvalidationEvent> {
    const { memory, shared, events, bus } = this.options;
    const layers: readonly Layer[] = message.kind === 'all' || message.layer === null ? LAYERS : [message.layer];
    for (const layer of layers) this.epochs[layer] += 1;
    const matcher = invalidationMatcher(message);
    this.options.writeBehind?.discard((write) => layers.includes(write.layer) && matcher(write.key));
    // Memory and the shared tiers at once; one that came over the bus leaves the tiers other instances share alone.
    const [memoryRemoved, { removed, unreachable }] = await Promise.all([
      Promise.all(layers.map((layer) => removeFrom(memory, layer, message))),
      shared.invalidate(layers, message, remote),
    ]);
    removed.memory = memoryRemoved.reduce((sum, count) => sum + count, 0);
    if (!remote && bus) {
      await bus.bus.publish(message).catch((error: unknown) => {
        events.emit('tierError', { tier: bus.tier, operation: 'publish', error: asError(error) });
      });
    }
    const event: InvalidationEvent = {
      scope: message.kind,
      layer: message.kind === 'all' ? null : message.layer,
      ...(message.kind === 'key' ? { key: message.key } : {}),
      ...(message.kind === 'pattern' ? { pattern: message.pattern } : {}),
      removed,
      unreachable: [...unreachable],
      remote,
    };
    events.emit('invalidated', event);
    return event;
  }

  private onRemote(message: InvalidationMessage): void {
    if (message.origin === this.options.instanceId || !this.options.open()) return;
    this.options.background.track(this.applyFrom(message, true));
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
