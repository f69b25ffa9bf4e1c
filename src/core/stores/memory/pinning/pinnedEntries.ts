import { heatOf, type HeatCounted } from './hitHeat';
import type { PinningPolicy } from './pinningPolicy';

/** What the pinned set needs of an entry: how hot it is, and the bytes it holds. */
export interface Pinnable extends HeatCounted {
  readonly size: number;
}

/**
 * One layer's pinned set: hot entries that LRU order would have evicted, kept aside within a share of the
 * layer's byte budget. It keeps the books (which entries, how many bytes); the store reports every departure.
 */
export class PinnedEntries<R extends Pinnable> implements Iterable<[string, R]> {
  private readonly pins = new Map<string, R>();
  private heldBytes = 0;

  /** Bytes the pinned entries hold (part of the layer's budget). */
  get bytes(): number {
    return this.heldBytes;
  }

  has(key: string): boolean {
    return this.pins.has(key);
  }

  get(key: string): R | undefined {
    return this.pins.get(key);
  }

  keys(): string[] {
    return [...this.pins.keys()];
  }

  [Symbol.iterator](): IterableIterator<[string, R]> {
    return this.pins[Symbol.iterator]();
  }

  /**
   * Offered `record` as LRU order evicts it: keeps it when it is hot enough and fits the pinned share, making room
   * by displacing colder pins if that is enough (each is removed, then handed to `displaced`). True when kept.
   */
  admit(key: string, record: R, policy: PinningPolicy, budget: number, displaced: (key: string) => void): boolean {
    if (!policy.enabled) return false;
    const heat = heatOf(record);
    if (heat < policy.hitThreshold) return false;
    const share = pinnedShare(policy, budget);
    if (record.size > share) return false;
    let free = share - this.heldBytes;
    if (free < record.size) {
      const colder = [...this.pins].filter(([, pin]) => heatOf(pin) < heat).sort(([, a], [, b]) => heatOf(a) - heatOf(b));
      const doomed: string[] = [];
      for (const [pinKey, pin] of colder) {
        if (free >= record.size) break;
        doomed.push(pinKey);
        free += pin.size;
      }
      if (free < record.size) return false;
      for (const pinKey of doomed) {
        this.remove(pinKey);
        displaced(pinKey);
      }
    }
    this.pins.set(key, record);
    this.heldBytes += record.size;
    return true;
  }

  /**
   * Lets go of the pins that no longer qualify under `policy` (cooled below the threshold, or beyond the share,
   * the hottest keeping their place first): each is removed, then handed to `release` to rejoin LRU order.
   */
  releaseCold(policy: PinningPolicy, budget: number, release: (key: string, record: R) => void): void {
    const share = policy.enabled ? pinnedShare(policy, budget) : 0;
    const hottestFirst = [...this.pins].sort(([, a], [, b]) => heatOf(b) - heatOf(a));
    let kept = 0;
    for (const [key, record] of hottestFirst) {
      if (policy.enabled && heatOf(record) >= policy.hitThreshold && kept + record.size <= share) {
        kept += record.size;
        continue;
      }
      this.pins.delete(key);
      this.heldBytes -= record.size;
      release(key, record);
    }
  }

  /** Removes a pinned entry; true when there was one. */
  remove(key: string): boolean {
    const record = this.pins.get(key);
    if (record === undefined) return false;
    this.pins.delete(key);
    this.heldBytes -= record.size;
    return true;
  }

  clear(): void {
    this.pins.clear();
    this.heldBytes = 0;
  }
}

/** The most bytes pinned entries may hold in a layer of `budget` bytes. */
function pinnedShare(policy: PinningPolicy, budget: number): number {
  return Math.floor(budget * policy.maxShare);
}
