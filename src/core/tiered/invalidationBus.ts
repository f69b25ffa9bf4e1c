import type { Unsubscribe } from '../events';
import type { Layer } from '../layers';

/** What one instance tells the others to drop from their memory tier. */
export type InvalidationMessage =
  | { origin: string; kind: 'key'; layer: Layer; key: string }
  | { origin: string; kind: 'layer'; layer: Layer }
  | { origin: string; kind: 'pattern'; layer: Layer | null; pattern: string }
  | { origin: string; kind: 'all' };

/**
 * Carries invalidations between cache instances that share a tier (Redis pub/sub). `origin` lets a receiver
 * ignore its own messages. Delivery is best effort: a message lost while disconnected is covered by TTLs.
 */
export interface InvalidationBus {
  publish(message: InvalidationMessage): Promise<void>;
  subscribe(handler: (message: InvalidationMessage) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}
