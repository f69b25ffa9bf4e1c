import type { MachineInfo } from '../lib/environment';
import type { LatencySummary } from '../lib/measure';

export type Role = 'ours' | 'floor' | 'peer';

/** One library's (or one raw call's) measurement of one operation. */
export interface Figure {
  /** Who was measured: `ours`, the raw call (`raw LRUCache.get`), or the peer's name. */
  system: string;
  role: Role;
  /** The exact call that was timed. */
  call: string;
  summary: LatencySummary;
}

/** One operation measured side by side: ours, its floor and the peers. */
export interface Row {
  id: string;
  operation: string;
  /** Value size in bytes, where it matters. */
  valueBytes?: number;
  ours: Figure;
  floor?: Figure;
  /** Other raw calls shown for reference (Map.get beside LRUCache.get, a raw query beside a raw select). */
  references?: Figure[];
  peers: Figure[];
  /** How the row compares: mean time per call (default) or throughput. */
  compareOn?: 'mean' | 'throughput';
  note?: string;
}

/** A free-form table (the workload matrix, footprints, the trace). */
export interface Table {
  id: string;
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
  note?: string;
}

export interface Section {
  id: SectionId;
  title: string;
  description: string;
  rows: Row[];
  tables: Table[];
  /** Derived figures the targets read (hit rate, computations, ratio means). */
  metrics: Record<string, number>;
  durationMs: number;
}

export const SECTION_IDS = [
  'hits',
  'misses',
  'writes',
  'invalidation',
  'crossInstance',
  'coldStart',
  'stampede',
  'workloads',
  'footprint',
  'trace',
  'load',
  'tuning',
  'team',
  'history',
] as const;
export type SectionId = (typeof SECTION_IDS)[number];

/** A figure the issue sets a bound on, with what was measured. */
export interface Target {
  id: string;
  description: string;
  value: number;
  limit: number;
  comparison: '<=' | '>=' | '==';
  unit: 'x' | 'count' | '%';
  met: boolean;
  /** How `value` was computed from the rows. */
  basis: string;
}

export interface BenchResults {
  mode: 'full' | 'smoke';
  machine: MachineInfo;
  durationMs: number;
  method: string[];
  sections: Section[];
  targets: Target[];
  /** The real-history replay with shipped settings against its hindsight optimum (from the history section). */
  costOracle?: CostOracleSummary;
}

/** Dollars and result-layer hit rates (0..1) of the real-history replay, shipped settings, beside the oracle's. */
export interface CostOracleSummary {
  noCacheUsd: number;
  oracleUsd: number;
  oursUsd: number;
  oracleHitRate: number;
  oursHitRate: number;
  staleAnswers: number;
  providerCacheSavedUsd: number;
}

/** The costOracle object of a run that measured the history section, else undefined. */
export function costOracleOf(sections: readonly Section[]): CostOracleSummary | undefined {
  const metrics = sections.find((section) => section.id === 'history')?.metrics;
  if (!metrics) return undefined;
  const read = (name: keyof CostOracleSummary): number => metrics[name] ?? Number.NaN;
  return {
    noCacheUsd: read('noCacheUsd'),
    oracleUsd: read('oracleUsd'),
    oursUsd: read('oursUsd'),
    oracleHitRate: read('oracleHitRate'),
    oursHitRate: read('oursHitRate'),
    staleAnswers: read('staleAnswers'),
    providerCacheSavedUsd: read('providerCacheSavedUsd'),
  };
}

/** Time per call of a figure as the row compares it (throughput rows: the inverse of operations per second). */
export function costOf(row: Row, figure: Figure): number {
  return row.compareOn === 'throughput' ? 1e9 / figure.summary.opsPerSec : figure.summary.meanNs;
}

/** ours / floor in time per call: 1.0 is the floor itself, lower is better. */
export function floorRatio(row: Row): number | undefined {
  return row.floor ? costOf(row, row.ours) / costOf(row, row.floor) : undefined;
}

/** peer / ours in time per call: above 1 means ours is faster. */
export function speedupOver(row: Row, peer: Figure): number {
  return costOf(row, peer) / costOf(row, row.ours);
}
