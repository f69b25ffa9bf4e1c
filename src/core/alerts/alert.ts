import type { Layer } from '../layers';
import type { RemoteTier } from '../tiered/tierTypes';

export type AlertKind = 'hitRate' | 'evictions' | 'memory' | 'tierErrors';

/** A rule that is broken now: what, about which layer or tier, by how much, in words. */
export interface Alert {
  kind: AlertKind;
  /** The layer (hitRate), the tier (tierErrors) or `memory` (evictions, memory). */
  subject: Layer | RemoteTier | 'memory';
  /** The measured value: a ratio for rates, bytes / budget for memory. */
  value: number;
  threshold: number;
  /** One sentence for a notification, the tree and `stats`. */
  message: string;
}

/** Cumulative counters at one moment; alerts are computed from the difference between two of them. */
export interface AlertSample {
  /** Milliseconds on the engine clock. */
  at: number;
  layers: Record<Layer, { hits: number; misses: number }>;
  /** Values written into memory, and entries evicted from it to stay within budget. */
  memoryWrites: number;
  evictions: number;
  /** Operations (answered or failed) and failures of each shared tier. */
  tiers: Record<RemoteTier, { operations: number; errors: number }>;
  /** Memory in use and its budget now, per layer (a level, not a counter). */
  memory: Record<Layer, { bytes: number; budgetBytes: number }>;
}
