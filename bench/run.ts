/**
 * `npm run bench`: every tier against its floor and against BentoCache and cache-manager, side by side in one
 * process. `--smoke` runs a tiny subset of every section (CI keeps it from rotting); `--out DIR` writes the
 * results elsewhere than bench/results; `--only a,b` runs some sections (a partial run never writes latest.*, unless
 * `--merge` is given: then the sections that ran replace theirs in bench/results/latest.* and the rest stay);
 * `--history DIR` has the history section replay that git repository's history instead of the shared trace.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadCorpus } from './lib/corpus';
import { createContext, type BenchContext } from './lib/context';
import { describeMachine, openEnvironment } from './lib/environment';
import { renderMarkdown } from './report/markdown';
import { costOracleOf, SECTION_IDS, type BenchResults, type Section, type SectionId } from './report/results';
import { renderLatencySvg } from './report/svg';
import { evaluateTargets } from './report/targets';
import { coldStartSection } from './sections/coldStart';
import { crossInstanceSection } from './sections/crossInstance';
import { footprintSection } from './sections/footprint';
import { hitsSection } from './sections/hits';
import { invalidationSection } from './sections/invalidation';
import { loadSection } from './sections/load';
import { missesSection } from './sections/misses';
import { stampedeSection } from './sections/stampede';
import { historySection } from './sections/history';
import { teamSection } from './sections/team';
import { traceSection } from './sections/trace';
import { tuningSection } from './sections/tuning';
import { workloadsSection } from './sections/workloads';
import { writesSection } from './sections/writes';

const SECTIONS: Record<SectionId, (ctx: BenchContext) => Promise<Section>> = {
  hits: hitsSection,
  misses: missesSection,
  writes: writesSection,
  invalidation: invalidationSection,
  crossInstance: crossInstanceSection,
  coldStart: coldStartSection,
  stampede: stampedeSection,
  workloads: workloadsSection,
  footprint: footprintSection,
  trace: traceSection,
  load: loadSection,
  tuning: tuningSection,
  team: teamSection,
  history: historySection,
};

export interface RunOptions {
  smoke: boolean;
  outDir: string;
  only?: SectionId[];
  /** Replace the sections that ran in `outDir`/latest.json and keep the others (with `only`). */
  merge?: boolean;
  /** A git repository whose history the history section replays (instead of the shared trace). */
  historyDir?: string;
  log?: (message: string) => void;
}

const ROOT = path.resolve(__dirname, '..');

function parseArgs(argv: readonly string[]): RunOptions {
  const smoke = argv.includes('--smoke');
  const valueOf = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const out = valueOf('--out');
  const only = valueOf('--only')?.split(',').map((name) => {
    if (!(SECTION_IDS as readonly string[]).includes(name)) throw new Error(`unknown section ${name}; known: ${SECTION_IDS.join(', ')}`);
    return name as SectionId;
  });
  const merge = argv.includes('--merge');
  const history = valueOf('--history');
  if (merge && (!only || smoke)) throw new Error('--merge goes with --only (and not with --smoke)');
  const outDir = out
    ? path.resolve(out)
    : !merge && (smoke || only)
      ? path.join(os.tmpdir(), 'claude-cache-bench')
      : path.join(ROOT, 'bench', 'results');
  return { smoke, outDir, ...(only ? { only } : {}), ...(merge ? { merge } : {}), ...(history ? { historyDir: path.resolve(history) } : {}) };
}

/** Runs the sections, then writes latest.json, latest.md and latency.svg into `outDir`. */
export async function runBench(options: RunOptions): Promise<BenchResults> {
  const log = options.log ?? ((message: string) => process.stderr.write(`[bench] ${message}\n`));
  const started = Date.now();
  const corpus = loadCorpus(ROOT);
  const env = await openEnvironment(ROOT);
  const sections: Section[] = [];
  let machine;
  try {
    machine = await describeMachine(env);
    if (!machine.gcExposed) log('node runs without --expose-gc: heap figures will be noisy');
    const ctx = createContext(env, corpus, options.smoke, log, options.historyDir);
    for (const id of options.only ?? SECTION_IDS) {
      log(`section ${id}`);
      sections.push(await SECTIONS[id](ctx));
    }
  } finally {
    await env.close();
  }
  let results: BenchResults = {
    mode: options.smoke ? 'smoke' : 'full',
    machine,
    durationMs: Date.now() - started,
    method: METHOD,
    sections,
    targets: [],
  };
  if (options.merge) results = await mergeInto(path.join(options.outDir, 'latest.json'), results);
  const costOracle = costOracleOf(results.sections);
  if (costOracle) results.costOracle = costOracle;
  results.targets = evaluateTargets(results);
  await mkdir(options.outDir, { recursive: true });
  await writeFile(path.join(options.outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(path.join(options.outDir, 'latest.md'), renderMarkdown(results));
  await writeFile(path.join(options.outDir, 'latency.svg'), renderLatencySvg(results));
  log(`wrote ${options.outDir}/latest.{json,md} and latency.svg in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return results;
}

/** The earlier full results with the sections of this run in place of theirs (appended when new). */
async function mergeInto(file: string, partial: BenchResults): Promise<BenchResults> {
  const earlier = JSON.parse(await readFile(file, 'utf8')) as BenchResults;
  const sections = earlier.sections.map((section) => partial.sections.find((fresh) => fresh.id === section.id) ?? section);
  for (const fresh of partial.sections) if (!sections.some((section) => section.id === fresh.id)) sections.push(fresh);
  return { ...earlier, sections, method: partial.method, targets: [] };
}

const METHOD = [
  'One process, one redis-server started by the bench on a free loopback port (persistence off), embedded SurrealDB (surrealkv) in a temp folder.',
  'Values are Claude-like answers (prose, code, lists) assembled deterministically from READMEs and sources in node_modules, built before any timing.',
  'Keys follow Zipf distributions drawn from a seeded generator before timing starts.',
  'Latency percentiles come from perf_hooks histograms of individual calls; the mean is wall time per call and is what ratios use.',
  'Synchronous calls are timed in a tight loop for the mean and one by one (minus the cost of reading the clock) for percentiles.',
  'Every hit case checks that each call returned a value and that nothing was computed; every miss case counts computations.',
  'Peers as their docs set them up: BentoCache 1.6 memory driver (L1) + Redis driver (L2), serializeL1 on and off; cache-manager 7 with a Keyv in-memory store then @keyv/redis. Every case prefixes its keys; nothing is shared between cases.',
  'Cases that compare call latency run round-robin in several rounds (load from elsewhere falls on all alike) and report the median round.',
  'Absolute times drift between runs and machines; ratios measured side by side in one run are what to quote.',
];

if (require.main === module) {
  runBench(parseArgs(process.argv.slice(2))).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
