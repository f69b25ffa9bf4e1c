import { LAYERS, type Layer } from '../layers';
import { silentLogger, type Logger } from '../logger';
import type { UsageRecord } from '../usage/usageRecord';

/** The range a layer's TTL may be tuned within, in milliseconds. */
export interface TtlBounds {
  minMs: number;
  maxMs: number;
}

/** One change the tuner made, and why. */
export interface TtlChange {
  at: number;
  layer: Layer;
  fromMs: number;
  toMs: number;
  reason: string;
}

export interface TtlTunerOptions {
  /** The TTLs the settings give; the tuner starts from them. */
  configuredMs: Record<Layer, number>;
  bounds: Record<Layer, TtlBounds>;
  enabled: boolean;
  /** Receives the new effective TTLs after every change. */
  onChange: (ttlMs: Record<Layer, number>) => void;
  logger?: Logger;
  /** Least time between two evaluations, in the clock of the records; default 10 minutes. */
  evaluateEveryMs?: number;
  /** Fewest expired entries a layer must have seen before its TTL is changed; default 8. */
  minSamples?: number;
  /** Most keys followed per layer; the oldest are forgotten first. Default 20000. */
  maxTrackedKeys?: number;
}

/** What is known about one key since it was last written. */
interface KeyLife {
  writtenAt: number;
  ttlMs: number;
  reads: number;
}

interface LayerTally {
  /** Expired entries that were asked for again soon after they expired: a longer TTL would have served them. */
  missedSoonAfterExpiry: number;
  /** Expired entries nobody read while they lived and nobody asked for soon after. */
  neverReread: number;
  /** Expired entries that were read while they lived and not asked for soon after: the TTL fit. */
  usedThenIdle: number;
}

/** Lengthen when this share of expiries were asked for again soon after. */
const LENGTHEN_SHARE = 0.25;
/** Shorten when this share of expiries were never read again (and none were missed soon after). */
const SHORTEN_SHARE = 0.9;

/**
 * Tunes each layer's TTL from the usage log, within configured bounds: doubles it where entries expire while
 * still being asked for, halves it where entries are never read again before they expire. Works on the times in
 * the records, so it follows whatever clock the engine runs on. Every change is logged with its reason.
 */
export class TtlTuner {
  private configured: Record<Layer, number>;
  private bounds: Record<Layer, TtlBounds>;
  private enabled: boolean;
  private readonly effective: Record<Layer, number>;
  private readonly lives: Record<Layer, Map<string, KeyLife>>;
  private readonly tallies: Record<Layer, LayerTally>;
  private readonly history: TtlChange[] = [];
  private readonly logger: Logger;
  private readonly evaluateEveryMs: number;
  private readonly minSamples: number;
  private readonly maxTrackedKeys: number;
  private lastEvaluation: number | undefined;

  constructor(private readonly options: TtlTunerOptions) {
    this.configured = { ...options.configuredMs };
    this.bounds = { ...options.bounds };
    this.enabled = options.enabled;
    this.effective = {} as Record<Layer, number>;
    this.lives = {} as Record<Layer, Map<string, KeyLife>>;
    this.tallies = {} as Record<Layer, LayerTally>;
    for (const layer of LAYERS) {
      this.effective[layer] = this.startingTtl(layer);
      this.lives[layer] = new Map();
      this.tallies[layer] = emptyTally();
    }
    this.logger = (options.logger ?? silentLogger).child('ttl-tuning');
    this.evaluateEveryMs = options.evaluateEveryMs ?? 10 * 60_000;
    this.minSamples = options.minSamples ?? 8;
    this.maxTrackedKeys = options.maxTrackedKeys ?? 20_000;
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** The TTL each layer's new entries get now. */
  ttlMs(): Record<Layer, number> {
    return { ...this.effective };
  }

  /** Every change so far, oldest first. */
  changes(): TtlChange[] {
    return [...this.history];
  }

  /**
   * Settings changed. A layer whose configured TTL changed starts over from it; the others keep their tuned
   * TTL, clamped into the new bounds. Turned off, every layer goes back to its configured TTL.
   */
  reconfigure(next: { configuredMs: Record<Layer, number>; bounds: Record<Layer, TtlBounds>; enabled: boolean }): void {
    const previous = this.configured;
    this.configured = { ...next.configuredMs };
    this.bounds = { ...next.bounds };
    this.enabled = next.enabled;
    for (const layer of LAYERS) {
      const restart = !this.enabled || previous[layer] !== this.configured[layer];
      this.effective[layer] = restart ? this.startingTtl(layer) : this.clamp(layer, this.effective[layer]);
      if (!this.enabled) {
        this.lives[layer].clear();
        this.tallies[layer] = emptyTally();
      }
    }
  }

  /** Follows one run's look-ups; evaluates when an evaluation is due. */
  observe(record: UsageRecord): void {
    if (!this.enabled) return;
    for (const step of record.steps) this.follow(step.layer, step.key, step.outcome === 'compute', record.at);
    if (this.lastEvaluation === undefined) this.lastEvaluation = record.at;
    if (record.at - this.lastEvaluation >= this.evaluateEveryMs) this.evaluate(record.at);
  }

  /** Settles expired keys and changes the TTLs the evidence calls for; returns the changes made. */
  evaluate(now: number): TtlChange[] {
    this.lastEvaluation = now;
    if (!this.enabled) return [];
    const made: TtlChange[] = [];
    for (const layer of LAYERS) {
      this.settle(layer, now);
      const change = this.decide(layer, now);
      if (change) made.push(change);
    }
    if (made.length > 0) this.options.onChange(this.ttlMs());
    return made;
  }

  private follow(layer: Layer, key: string, computed: boolean, at: number): void {
    const lives = this.lives[layer];
    const life = lives.get(key);
    if (!computed) {
      if (life) life.reads += 1;
      return;
    }
    if (life) {
      const expiry = life.writtenAt + life.ttlMs;
      // A miss before expiry is an invalidation or an eviction: nothing a TTL decides.
      if (at >= expiry) this.tally(layer, life, at - expiry <= life.ttlMs);
      lives.delete(key);
    }
    lives.set(key, { writtenAt: at, ttlMs: this.effective[layer], reads: 0 });
    if (lives.size > this.maxTrackedKeys) {
      const oldest = lives.keys().next();
      if (!oldest.done) lives.delete(oldest.value);
    }
  }

  /** Keys past expiry and past the time a re-request would still count as "soon" are settled now. */
  private settle(layer: Layer, now: number): void {
    for (const [key, life] of this.lives[layer]) {
      if (now < life.writtenAt + 2 * life.ttlMs) continue;
      this.tally(layer, life, false);
      this.lives[layer].delete(key);
    }
  }

  private tally(layer: Layer, life: KeyLife, askedSoonAfter: boolean): void {
    const tally = this.tallies[layer];
    if (askedSoonAfter) tally.missedSoonAfterExpiry += 1;
    else if (life.reads === 0) tally.neverReread += 1;
    else tally.usedThenIdle += 1;
  }

  private decide(layer: Layer, now: number): TtlChange | undefined {
    const tally = this.tallies[layer];
    const samples = tally.missedSoonAfterExpiry + tally.neverReread + tally.usedThenIdle;
    if (samples < this.minSamples) return undefined;
    this.tallies[layer] = emptyTally();
    const current = this.effective[layer];
    let next = current;
    let reason = '';
    if (tally.missedSoonAfterExpiry / samples >= LENGTHEN_SHARE) {
      next = this.clamp(layer, current * 2);
      reason = `${tally.missedSoonAfterExpiry} of ${samples} expired entries were asked for again within ${formatMs(current)} of expiring`;
    } else if (tally.missedSoonAfterExpiry === 0 && tally.neverReread / samples >= SHORTEN_SHARE) {
      next = this.clamp(layer, Math.round(current / 2));
      reason = `${tally.neverReread} of ${samples} entries were never read again before they expired`;
    }
    if (next === current) return undefined;
    this.effective[layer] = next;
    const change: TtlChange = { at: now, layer, fromMs: current, toMs: next, reason };
    this.history.push(change);
    if (this.history.length > 100) this.history.shift();
    this.logger.info(`${layer} TTL ${formatMs(current)} -> ${formatMs(next)}: ${reason}`);
    return change;
  }

  private startingTtl(layer: Layer): number {
    return this.enabled ? this.clamp(layer, this.configured[layer]) : this.configured[layer];
  }

  private clamp(layer: Layer, ttlMs: number): number {
    const { minMs, maxMs } = this.bounds[layer];
    return Math.min(Math.max(ttlMs, minMs), Math.max(minMs, maxMs));
  }
}

function emptyTally(): LayerTally {
  return { missedSoonAfterExpiry: 0, neverReread: 0, usedThenIdle: 0 };
}

/** 90 s, 15 min, 2 h, 1.5 d: short enough for a log line. */
export function formatMs(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 120) return `${+seconds.toFixed(1)} s`;
  if (seconds < 2 * 3600) return `${+(seconds / 60).toFixed(1)} min`;
  if (seconds < 2 * 86400) return `${+(seconds / 3600).toFixed(1)} h`;
  return `${+(seconds / 86400).toFixed(1)} d`;
}
