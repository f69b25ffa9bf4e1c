import { systemClock, type Clock } from '../clock';
import type { Unsubscribe } from '../events';
import type { Layer } from '../layers';
import type { EntryInfo, SetOptions, Store, StoredRecord, StoreUsage, StoreWrite } from '../stores/store';
import { EncryptedNamespaceError } from './errors';

/** Where the marker lives, after the configured key prefix: `<prefix>__meta:encrypted`. No layer uses `__meta:`. */
export const NAMESPACE_MARKER_SUFFIX = '__meta:encrypted';

/** A key only read, never written: what the store says when asked for it explains an unreachable Redis. */
const PROBE_KEY = '__namespace-probe';

/** What the marker's fingerprint is taken of; a new version of the marker scheme changes it. */
const MARKER_LABEL = 'claude-cache encrypted namespace v1';

/** What writes and reads the marker: ioredis (standalone or cluster) in the engine, a fake in tests. */
export interface MarkerClient {
  get(key: string): Promise<string | null>;
  /** SET key value NX: only when no marker is there yet, so two first instances cannot overwrite each other. */
  set(key: string, value: string, mode: 'NX'): Promise<unknown>;
}

/** A codec that gives keyed fingerprints (EncryptingCodec). */
export interface Fingerprinter {
  fingerprint(label: string): string;
}

/**
 * The marker an instance with this key puts in the namespace: `v1:` and 16 hex digits of an HMAC under the key.
 * Not a secret (it cannot be turned back into the key), but only a holder of the same key computes the same one.
 */
export function namespaceMarker(codec: Fingerprinter): string {
  return `v1:${codec.fingerprint(MARKER_LABEL).slice(0, 16)}`;
}

export interface EncryptedNamespaceOptions {
  client: MarkerClient;
  keyPrefix: string;
  /** This instance's marker (namespaceMarker of its codec), or undefined when it has no encryption key. */
  marker: string | undefined;
  /** Told once each time the namespace turns out not to be usable, with the one line the user must see. */
  onLocked: (problem: string) => void;
  /** The namespace is usable again (the right key, or the marker went away). */
  onUnlocked?: () => void;
  clock?: Clock;
  /** How long a verdict holds before the marker is read again; default 60 s. */
  recheckMs?: number;
}

type Verdict = { usable: true } | { usable: false; problem: string };

/**
 * The Redis tier behind the encrypted-namespace check. An instance with a key marks the namespace (if nobody
 * did) and uses it only while the marker is its own; an instance without a key uses it only while no marker is
 * there. Until the marker was read, and while it says no, every operation fails with EncryptedNamespaceError
 * without reaching Redis, so the tiered cache runs without the tier: nothing readable is written into the
 * team's namespace, and none of its sealed entries is overwritten by a reader that cannot open them.
 *
 * The marker is read again after `recheckMs`, so a long-lived plain instance notices a namespace that was
 * marked after it started, and a locked one notices a marker that was removed on purpose.
 */
export class EncryptedNamespaceGuard implements Store<Uint8Array> {
  readonly tier = 'redis' as const;
  readonly onReady?: (listener: () => void) => Unsubscribe;
  private readonly markerKey: string;
  private readonly clock: Clock;
  private readonly recheckMs: number;
  private verdict: Verdict | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking: Promise<void> | undefined;
  private locked = false;

  constructor(
    private readonly inner: Store<Uint8Array>,
    private readonly options: EncryptedNamespaceOptions,
  ) {
    this.markerKey = `${options.keyPrefix}${NAMESPACE_MARKER_SUFFIX}`;
    this.clock = options.clock ?? systemClock;
    this.recheckMs = options.recheckMs ?? 60_000;
    const onReady = inner.onReady;
    if (onReady) {
      // A reconnect is announced only once the namespace was checked again and may be used.
      this.onReady = (listener) =>
        onReady.call(inner, () => {
          this.verdict = undefined;
          this.verify().then(listener, () => undefined);
        });
    }
  }

  /** True while the last reading of the marker allows this instance to use the namespace. */
  get usable(): boolean {
    return this.verdict?.usable === true;
  }

  /** Reads the marker now (and writes this instance's when there is none). Rejects when the namespace is not usable. */
  verify(): Promise<void> {
    const fresh = this.verdict !== undefined && this.clock.now() - this.checkedAt < this.recheckMs;
    if (fresh && this.verdict?.usable) return Promise.resolve();
    if (fresh && this.verdict && !this.verdict.usable) return Promise.reject(new EncryptedNamespaceError(this.verdict.problem));
    this.checking ??= this.check().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  get(layer: Layer, key: string): Promise<StoredRecord<Uint8Array> | undefined> {
    return this.guarded(() => this.inner.get(layer, key));
  }

  getMany(layer: Layer, keys: readonly string[]): Promise<Array<StoredRecord<Uint8Array> | undefined>> {
    return this.guarded(() => this.inner.getMany(layer, keys));
  }

  set(layer: Layer, key: string, value: Uint8Array, options: SetOptions): Promise<void> {
    return this.guarded(() => this.inner.set(layer, key, value, options));
  }

  setMany(layer: Layer, writes: readonly StoreWrite<Uint8Array>[]): Promise<void> {
    return this.guarded(() => this.inner.setMany(layer, writes));
  }

  has(layer: Layer, key: string): Promise<boolean> {
    return this.guarded(() => this.inner.has(layer, key));
  }

  delete(layer: Layer, key: string): Promise<boolean> {
    return this.guarded(() => this.inner.delete(layer, key));
  }

  deleteMatching(layer: Layer, pattern: string): Promise<number> {
    return this.guarded(() => this.inner.deleteMatching(layer, pattern));
  }

  clear(layer: Layer): Promise<number> {
    return this.guarded(() => this.inner.clear(layer));
  }

  keys(layer: Layer, options?: { pattern?: string; limit?: number }): Promise<string[]> {
    return this.guarded(() => this.inner.keys(layer, options));
  }

  entries(layer: Layer, limit: number): Promise<EntryInfo[]> {
    return this.guarded(() => this.inner.entries(layer, limit));
  }

  usage(layer: Layer): Promise<StoreUsage> {
    return this.guarded(() => this.inner.usage(layer));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private fresh(): boolean {
    return this.clock.now() - this.checkedAt < this.recheckMs;
  }

  /** The common path stays synchronous: a fresh "usable" verdict goes straight to the store. */
  private guarded<R>(work: () => Promise<R>): Promise<R> {
    return this.usable && this.fresh() ? work() : this.verifyExplained().then(work);
  }

  /**
   * verify(), but a marker that could not be read (Redis down, a refused login) fails with the store's own error:
   * the raw client only says "Stream isn't writeable", the store says why. A read through the store gives that
   * error; if the read works after all (Redis just came back), the marker is read again.
   */
  private async verifyExplained(): Promise<void> {
    try {
      await this.verify();
    } catch (error) {
      if (error instanceof EncryptedNamespaceError) throw error;
      await this.inner.has('prompt', PROBE_KEY);
      await this.verify();
    }
  }

  private async check(): Promise<void> {
    const { client, marker: ours } = this.options;
    // A failure here (Redis down) rejects like any Redis command would, and leaves the verdict to the next try.
    let found = await client.get(this.markerKey);
    if (found === null && ours !== undefined) {
      await client.set(this.markerKey, ours, 'NX');
      // Whoever set it first wins; read back what is there now.
      found = await client.get(this.markerKey);
    }
    this.verdict = judge(found, ours, this.options.keyPrefix);
    this.checkedAt = this.clock.now();
    if (this.verdict.usable) {
      if (this.locked) this.options.onUnlocked?.();
      this.locked = false;
      return;
    }
    if (!this.locked) this.options.onLocked(this.verdict.problem);
    this.locked = true;
    throw new EncryptedNamespaceError(this.verdict.problem);
  }
}

function judge(found: string | null, ours: string | undefined, keyPrefix: string): Verdict {
  if (found === null || found === ours) return { usable: true };
  const where = `the Redis namespace "${keyPrefix}"`;
  if (ours === undefined) {
    return {
      usable: false,
      problem:
        `${where} is encrypted; set the team's encryption key (secret storage in VS Code, CLAUDE_CACHE_ENCRYPTION_KEY ` +
        'for the CLI). Redis stays off until then, so nothing readable is written there',
    };
  }
  return {
    usable: false,
    problem:
      `${where} is encrypted with another key; set the team's encryption key (secret storage in VS Code, ` +
      'CLAUDE_CACHE_ENCRYPTION_KEY for the CLI). Redis stays off until then',
  };
}
