import { globToRegExp } from '../keys/pattern';
import type { Layer } from '../layers';
import type { Store } from '../stores/store';
import type { InvalidationMessage } from './invalidationBus';

/** Whether a key falls under an invalidation (for writes still queued, which no store has seen yet). */
export function invalidationMatcher(message: InvalidationMessage): (key: string) => boolean {
  switch (message.kind) {
    case 'key':
      return (key) => key === message.key;
    case 'pattern': {
      const regex = globToRegExp(message.pattern);
      return (key) => regex.test(key);
    }
    default:
      return () => true;
  }
}

/** Removes what an invalidation names from one layer of one store; the count of entries removed. */
export async function removeFrom<V>(store: Store<V>, layer: Layer, message: InvalidationMessage): Promise<number> {
  switch (message.kind) {
    case 'key':
      return (await store.delete(layer, message.key)) ? 1 : 0;
    case 'pattern':
      return store.deleteMatching(layer, message.pattern);
    default:
      return store.clear(layer);
  }
}
