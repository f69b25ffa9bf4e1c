import type { Figure, Role, Row, Section, SectionId, Table } from '../report/results';
import { buildAnswer, type BenchAnswer, type Corpus } from './corpus';
import type { BenchEnvironment } from './environment';
import { setDefaultBudgetMs, type LatencySummary } from './measure';

/** What every section gets: the servers, the corpus, the run's size and a place to say what it does. */
export interface BenchContext {
  env: BenchEnvironment;
  corpus: Corpus;
  smoke: boolean;
  /** `full` in a full run, `smoke` in a smoke run. */
  scale<T>(full: T, smoke: T): T;
  /** Value sizes (bytes) the size-dependent figures cover. */
  valueSizes: number[];
  /** A key prefix no other case uses. */
  prefix(name: string): string;
  /** `count` distinct answers of about `bytes` each, built once and reused (never inside timed code). */
  answers(bytes: number, count: number): BenchAnswer[];
  log(message: string): void;
  /** `--history DIR`: the git repository whose history the history section replays. */
  historyDir?: string;
}

export function createContext(
  env: BenchEnvironment,
  corpus: Corpus,
  smoke: boolean,
  log: (message: string) => void,
  historyDir?: string,
): BenchContext {
  setDefaultBudgetMs(smoke ? 150 : 500);
  const pools = new Map<number, BenchAnswer[]>();
  let prefixes = 0;
  return {
    env,
    corpus,
    smoke,
    scale: (full, small) => (smoke ? small : full),
    valueSizes: smoke ? [4096] : [512, 4096, 32768, 131072],
    prefix: (name) => `b${++prefixes}-${name}:`,
    answers(bytes, count) {
      let pool = pools.get(bytes);
      if (!pool) pools.set(bytes, (pool = []));
      while (pool.length < count) pool.push(buildAnswer(corpus, bytes, pool.length + 1));
      return pool.slice(0, count);
    },
    log,
    ...(historyDir !== undefined ? { historyDir } : {}),
  };
}

export function figure(system: string, role: Role, call: string, summary: LatencySummary): Figure {
  return { system, role, call, summary };
}

/** Collects a section's rows and tables and times it. */
export class SectionBuilder {
  readonly rows: Row[] = [];
  readonly tables: Table[] = [];
  readonly metrics: Record<string, number> = {};
  private readonly started = Date.now();

  constructor(
    readonly id: SectionId,
    readonly title: string,
    readonly description: string,
  ) {}

  row(row: Row): Row {
    this.rows.push(row);
    return row;
  }

  metric(name: string, value: number): void {
    this.metrics[name] = value;
  }

  table(table: Table): Table {
    this.tables.push(table);
    return table;
  }

  build(): Section {
    return {
      id: this.id,
      title: this.title,
      description: this.description,
      rows: this.rows,
      tables: this.tables,
      metrics: this.metrics,
      durationMs: Date.now() - this.started,
    };
  }
}

/** `4 KB`, `512 B`, `128 KB`. */
export function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return `${+(bytes / 1024).toFixed(1)} KB`;
}
