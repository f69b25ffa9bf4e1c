import type { Clock } from '../clock';
import { CodecError } from '../errors';
import type { TypedEmitter } from '../events';
import type { Layer, Tier } from '../layers';
import type { Logger } from '../logger';
import type { StoredRecord } from '../stores/store';
import type { CacheStats } from './cacheStats';
import { EncodedValue } from './encodedValue';
import type { CacheEvents, LookupStatus, MemoryTier, RemoteTier, ValueCodec, ValueShapeCheck } from './tierTypes';

/** A stored value that cannot be used: absent, expired, undecodable or of the wrong shape. */
export const NOT_FOUND = Symbol('not-found');
export type NotFound = typeof NOT_FOUND;

export interface ValueAdmissionOptions {
  memory: MemoryTier;
  codec: ValueCodec;
  clock: Clock;
  stats: CacheStats;
  events: TypedEmitter<CacheEvents>;
  /** Each layer's check of what it reads back (see TieredCacheOptions.layerValues). */
  layerValues: Partial<Record<Layer, ValueShapeCheck>>;
  logger: Logger;
  /** Deletes an entry a shared tier should not hold, in the background. */
  dropFrom: (tier: RemoteTier, layer: Layer, key: string) => void;
}

/**
 * Decides whether a stored value may be used: it decodes, it has not expired, and it has its layer's shape (and
 * the caller's narrower one). A value that fails is counted, reported, deleted from where it was, and read as a
 * miss, so bytes another build or anyone with write access to a shared tier planted never reach a caller.
 */
export class ValueAdmission {
  /** Entries already reported as refused, so an entry planted again and again is logged once. */
  private readonly refusalsLogged = new Set<string>();

  constructor(private readonly options: ValueAdmissionOptions) {}

  /** What a memory record holds for a caller: its value (a promoted one decoded on first use), or NOT_FOUND. */
  memoryValue(layer: Layer, key: string, record: StoredRecord<unknown> | undefined, status?: LookupStatus): unknown {
    if (record === undefined) return NOT_FOUND;
    return record.value instanceof EncodedValue ? this.decodePromoted(layer, key, record, status) : record.value;
  }

  /** A memory value a caller's own check refuses is dropped like one of the wrong shape; NOT_FOUND then. */
  narrowMemoryValue(layer: Layer, key: string, value: unknown, shape: ValueShapeCheck, status?: LookupStatus): unknown {
    const problem = shape(value);
    if (problem === undefined) return value;
    this.refuse(layer, key, 'memory', problem, status, true);
    this.options.memory.delete(layer, key).catch(() => undefined);
    return NOT_FOUND;
  }

  /**
   * Decodes stored bytes; expired or undecodable bytes are a miss, and undecodable ones are deleted from the shared
   * tier that held them (`from`; undefined for a write still queued in this process).
   */
  decode(from: RemoteTier | undefined, layer: Layer, key: string, bytes: Uint8Array, expiresAt: number, status?: LookupStatus): unknown {
    if (expiresAt <= this.options.clock.now()) return NOT_FOUND;
    try {
      return this.options.codec.decode(bytes);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      this.refuse(layer, key, from ?? 'memory', error.message, status, false);
      if (from) this.options.dropFrom(from, layer, key);
      return NOT_FOUND;
    }
  }

  /** decode, then the layer's shape check: a value of the wrong shape is a miss too, deleted in the background. */
  accept(from: RemoteTier, layer: Layer, key: string, bytes: Uint8Array, expiresAt: number): unknown {
    const value = this.decode(from, layer, key, bytes, expiresAt);
    if (value === NOT_FOUND) return NOT_FOUND;
    const problem = this.shapeProblem(layer, value, undefined);
    if (problem === undefined) return value;
    this.refuse(layer, key, from, problem, undefined, true);
    this.options.dropFrom(from, layer, key);
    return NOT_FOUND;
  }

  /** What is wrong with a value read back for `layer`: the layer's check first, then the caller's narrower one. */
  shapeProblem(layer: Layer, value: unknown, shape: ValueShapeCheck | undefined): string | undefined {
    return this.options.layerValues[layer]?.(value) ?? shape?.(value);
  }

  /**
   * Counts and reports a stored value that was found but not used. A wrong shape is also logged at warn, once
   * per entry: it means another build, or someone who can write to the shared tier, stored something this build
   * cannot read, and an operator should know; undecodable bytes are routine after an encryption key change.
   */
  refuse(layer: Layer, key: string, tier: Tier, reason: string, status: LookupStatus | undefined, wrongShape: boolean): void {
    this.options.stats.tiers[tier].corruptEntries += 1;
    this.options.events.emit('corrupt', { layer, key, tier, reason });
    if (status) (status.refused ??= []).push({ tier, reason });
    if (!wrongShape) return;
    const id = `${tier}\u0000${layer}\u0000${key}`;
    if (this.refusalsLogged.has(id)) return;
    // Bounded: a flood of planted keys must not grow this set without end (at worst an entry is logged again).
    if (this.refusalsLogged.size >= MAX_REFUSALS_REMEMBERED) this.refusalsLogged.clear();
    this.refusalsLogged.add(id);
    const shown = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
    this.options.logger.warn(`${tier} held a ${layer} value of the wrong shape under ${key} (${shown}); read as a miss and deleted`);
  }

  /**
   * The value of a promoted memory entry, decoded now and kept decoded in the record the memory tier holds;
   * NOT_FOUND when its bytes no longer decode (the codec changed, e.g. another encryption key) or decode to the
   * wrong shape for the layer, and the copy goes.
   */
  private decodePromoted(layer: Layer, key: string, record: StoredRecord<unknown>, status?: LookupStatus): unknown {
    let value: unknown;
    try {
      value = this.options.codec.decode((record.value as EncodedValue).bytes);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      this.refuse(layer, key, 'memory', error.message, status, false);
      this.options.memory.delete(layer, key).catch(() => undefined);
      return NOT_FOUND;
    }
    const problem = this.shapeProblem(layer, value, undefined);
    if (problem !== undefined) {
      this.refuse(layer, key, 'memory', problem, status, true);
      this.options.memory.delete(layer, key).catch(() => undefined);
      return NOT_FOUND;
    }
    record.value = value;
    return value;
  }
}

/** Entries remembered as already reported refused; past this the memory starts over. */
const MAX_REFUSALS_REMEMBERED = 1_000;
/** Longest reason a warning quotes (a reason names a field, and a field name comes from the stored value). */
const MAX_REASON_CHARS = 300;
