import { mkdir, readFile, replaceFile } from '../io/fileOps';
import { dirname } from 'node:path';
import { LAYERS, TIERS, type Layer, type Tier } from '../layers';

/** Hit and miss counts that outlive a process: the numbers `stats` shows for this storage folder. */
export interface LifetimeCounters {
  layers: Record<Layer, { hits: number; misses: number }>;
  tiers: Record<Tier, { hits: number }>;
}

export function emptyCounters(): LifetimeCounters {
  const layers = {} as LifetimeCounters['layers'];
  for (const layer of LAYERS) layers[layer] = { hits: 0, misses: 0 };
  const tiers = {} as LifetimeCounters['tiers'];
  for (const tier of TIERS) tiers[tier] = { hits: 0 };
  return { layers, tiers };
}

export function addCounters(a: LifetimeCounters, b: LifetimeCounters, sign: 1 | -1 = 1): LifetimeCounters {
  const sum = emptyCounters();
  for (const layer of LAYERS) {
    sum.layers[layer].hits = a.layers[layer].hits + sign * b.layers[layer].hits;
    sum.layers[layer].misses = a.layers[layer].misses + sign * b.layers[layer].misses;
  }
  for (const tier of TIERS) sum.tiers[tier].hits = a.tiers[tier].hits + sign * b.tiers[tier].hits;
  return sum;
}

/**
 * The counters in a JSON file shared by every process using one storage folder (editor windows, CLI runs).
 * Each process adds only what it counted since its last flush, re-reading the file first, so processes add up
 * instead of overwriting each other; a write goes to a temporary file renamed over the old one. Two flushes
 * at the same instant can still lose one delta: these are statistics, not money (the ledger keeps the money).
 */
export class LifetimeCountersFile {
  constructor(readonly filePath: string) {}

  /** The stored counters; a missing or unreadable file reads as zero (it is rewritten on the next flush). */
  async load(): Promise<LifetimeCounters> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch {
      return emptyCounters();
    }
    return parseCounters(text) ?? emptyCounters();
  }

  async add(delta: LifetimeCounters): Promise<void> {
    const next = addCounters(await this.load(), delta);
    await this.write(next);
  }

  async reset(): Promise<void> {
    await this.write(emptyCounters());
  }

  private async write(counters: LifetimeCounters): Promise<void> {
    await mkdir(dirname(this.filePath), { recursive: true });
    await replaceFile(this.filePath, `${JSON.stringify(counters)}\n`, { mode: 0o600 });
  }
}

function parseCounters(text: string): LifetimeCounters | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const counters = emptyCounters();
  const record = raw as { layers?: Record<string, { hits?: unknown; misses?: unknown }>; tiers?: Record<string, { hits?: unknown }> };
  if (typeof record !== 'object' || record === null) return undefined;
  for (const layer of LAYERS) {
    counters.layers[layer].hits = count(record.layers?.[layer]?.hits);
    counters.layers[layer].misses = count(record.layers?.[layer]?.misses);
  }
  for (const tier of TIERS) counters.tiers[tier].hits = count(record.tiers?.[tier]?.hits);
  return counters;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}
