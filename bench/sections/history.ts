import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { CacheEngine } from '../../src/core/engine';
import { invalidateFileContexts } from '../../src/core/fileInvalidation';
import { LAYERS, type Layer } from '../../src/core/layers';
import { formatMs } from '../../src/core/tuning';
import { discoverWorkflows } from '../../src/core/workflows';
import { startFakeAnthropic, type FakeRequestBody } from '../../test/helpers/fakeAnthropic';
import { SectionBuilder, type BenchContext } from '../lib/context';
import { optimalProviderCost, plainDollars, type OracleCall } from '../lib/costOracle';
import { loadEditHistory } from '../lib/editHistory';
import { benchEngineConfig } from '../lib/engineConfig';
import { synthesizeSource } from '../lib/synthesizedSource';
import { buildTeamStream, selectionIn, TEAM_MODEL, type TeamStep } from '../lib/teamModel';
import type { Section } from '../report/results';
import { flatten, staleness, type Answered } from './trace';

const ROOT = path.resolve(__dirname, '..', '..');
const MODEL = 'claude-sonnet-5-5';

/** How an arm's engine is set up. */
interface Arm {
  id: 'oracle' | 'shipped' | 'tuned' | 'seed';
  name: string;
  settings: Record<string, unknown>;
}

/**
 * The oracle's engine: an unbounded cache that never expires (its clock never moves; memory budgets and
 * SurrealDB's entry cap out of reach; no Redis, no pinning, no tuning), keyed by every input as ours is. Provider
 * caching is asked for only so the requests show their cacheable prefix; the oracle prices it itself.
 */
const ORACLE: Arm = {
  id: 'oracle',
  name: 'oracle',
  settings: {
    providerCache: '5m',
    'ttlTuning.enabled': false,
    'pinning.enabled': false,
    'surreal.maxEntries': 100_000_000,
    ...Object.fromEntries(LAYERS.map((layer) => [`layers.${layer}.memoryBudgetMB`, 8192])),
  },
};
/** Ours as it ships: every setting at its default. */
const SHIPPED: Arm = { id: 'shipped', name: 'ours, shipped settings', settings: {} };
/** Ours with every kind of tuning on: TTL tuning, hot-entry pinning, provider cache auto. */
const TUNED: Arm = { id: 'tuned', name: 'ours, tuning on', settings: { 'ttlTuning.enabled': true, 'pinning.enabled': true, providerCache: 'auto' } };
/** The seeds' per-layer TTLs and tuning off: the settings before issue 16, kept to show what the defaults changed. */
const SEED: Arm = {
  id: 'seed',
  name: "ours, the seeds' TTLs",
  settings: {
    'layers.prompt.ttlSeconds': 24 * 3600,
    'layers.module.ttlSeconds': 12 * 3600,
    'layers.context.ttlSeconds': 6 * 3600,
    'layers.result.ttlSeconds': 3600,
    'ttlTuning.enabled': false,
  },
};

interface ArmOutcome {
  runs: number;
  skipped: number;
  errors: number;
  errorExamples: string[];
  resultHits: number;
  layers: Record<Layer, { hits: number; total: number }>;
  upstreamCalls: number;
  stale: number;
  staleExamples: string[];
  spentUsd: number;
  providerCacheSavedUsd: number;
  /** Every Claude call with its time and prefix (what the oracle prices). */
  calls: OracleCall[];
  /** Dollars of every module and result look-up of every run, as if each had called Claude (no cache at all). */
  noCacheUsd: number;
  noCacheCalls: number;
  resultTtl: string;
}

/**
 * Dollars against their hindsight optimum on a real edit history: a team (the trace's authors plus teammates, a
 * CI job) works through the history's commits on the commits' clock, and the same stream of workflow runs goes
 * through the oracle (an unbounded, never-expiring cache keyed as ours is, plus the best provider-cache choice
 * per call in hindsight), ours with shipped settings, ours with tuning on, and ours with the seeds' TTLs. "No
 * cache" is priced from the same stream: every look-up of every run paying for its call.
 */
export async function historySection(ctx: BenchContext): Promise<Section> {
  // A smoke run (CI, tests) replays this repository's own history: tests never read the shared trace.
  const history = await loadEditHistory(ROOT, ctx.historyDir ?? (ctx.smoke ? ROOT : undefined));
  // A smoke run keeps it small: the first 100 steps of the first commits.
  const stream = ctx.smoke ? buildTeamStream(history, { maxCommits: 6 }).slice(0, 100) : buildTeamStream(history);
  const commits = stream.filter((step) => step.kind === 'commit').length;
  const runCount = stream.filter((step) => step.kind === 'run').length;
  const days = (stream[stream.length - 1]?.at ?? 0) / 86_400_000 - (stream[0]?.at ?? 0) / 86_400_000;
  const section = new SectionBuilder(
    'history',
    'Cost against the hindsight optimum: a team replaying a real edit history',
    `${history.source}: ${commits} commits over ${days.toFixed(0)} days, ${runCount} workflow runs by the team model (README, Benchmarks), through the oracle and ours, each on the commits' clock against the loopback fake API.`,
  );

  const outcomes = new Map<Arm['id'], ArmOutcome>();
  for (const arm of [ORACLE, SHIPPED, TUNED, SEED]) outcomes.set(arm.id, await replay(ctx, stream, arm));
  const oracleArm = outcomes.get('oracle') as ArmOutcome;
  const shipped = outcomes.get('shipped') as ArmOutcome;
  const tuned = outcomes.get('tuned') as ArmOutcome;
  const seed = outcomes.get('seed') as ArmOutcome;
  const oracle = optimalProviderCost(oracleArm.calls);

  const rate = (hits: number, total: number) => (total === 0 ? 0 : hits / total);
  const pct = (value: number) => `${(100 * value).toFixed(1)} %`;
  const usd = (value: number) => `$${value.toFixed(2)}`;
  const noCacheUsd = oracleArm.noCacheUsd;
  const oracleUsd = oracle.optimalUsd;
  section.metric('noCacheUsd', noCacheUsd);
  section.metric('oracleUsd', oracleUsd);
  section.metric('oursUsd', shipped.spentUsd);
  section.metric('oracleHitRate', rate(oracleArm.resultHits, oracleArm.runs));
  section.metric('oursHitRate', rate(shipped.resultHits, shipped.runs));
  section.metric('staleAnswers', shipped.stale + tuned.stale + seed.stale + oracleArm.stale);
  section.metric('providerCacheSavedUsd', shipped.providerCacheSavedUsd);
  section.metric('oursOverOracle', shipped.spentUsd / oracleUsd);
  section.metric('hitRateOfOracle', rate(shipped.resultHits, shipped.runs) / rate(oracleArm.resultHits, oracleArm.runs));
  section.metric('tunedUsd', tuned.spentUsd);
  section.metric('tunedHitRate', rate(tuned.resultHits, tuned.runs));
  section.metric('seedUsd', seed.spentUsd);
  section.metric('seedHitRate', rate(seed.resultHits, seed.runs));
  section.metric('errors', oracleArm.errors + shipped.errors + tuned.errors + seed.errors);

  const arms: Array<[string, ArmOutcome]> = [
    [SHIPPED.name, shipped],
    [TUNED.name, tuned],
    [SEED.name, seed],
  ];
  const layerRow = (layer: Layer): Array<string | number> => [
    `${layer}-layer hit rate`,
    '0.0 %',
    pct(rate(oracleArm.layers[layer].hits, oracleArm.layers[layer].total)),
    ...arms.map(([, arm]) => pct(rate(arm.layers[layer].hits, arm.layers[layer].total))),
  ];
  section.table({
    id: 'history-cost-oracle',
    title: `Same stream, side by side: ${runCount} runs over ${commits} commits (${days.toFixed(0)} days)`,
    columns: ['figure', 'no cache', 'oracle', ...arms.map(([name]) => name)],
    rows: [
      ['dollars', usd(noCacheUsd), usd(oracleUsd), ...arms.map(([, arm]) => usd(arm.spentUsd))],
      ['dollars / oracle', `${(noCacheUsd / oracleUsd).toFixed(2)}x`, '1.00x', ...arms.map(([, arm]) => `${(arm.spentUsd / oracleUsd).toFixed(2)}x`)],
      ['Claude calls', oracleArm.noCacheCalls, oracleArm.upstreamCalls, ...arms.map(([, arm]) => arm.upstreamCalls)],
      ['answers served from the cache (result-layer hit rate)', '0.0 %', pct(rate(oracleArm.resultHits, oracleArm.runs)), ...arms.map(([, arm]) => pct(rate(arm.resultHits, arm.runs)))],
      ...LAYERS.map(layerRow),
      [
        'dollars saved by the provider prompt cache',
        '$0.00',
        usd(Math.max(0, oracle.plainUsd - oracle.optimalUsd)),
        ...arms.map(([, arm]) => usd(arm.providerCacheSavedUsd)),
      ],
      ['stale answers served', 0, oracleArm.stale, ...arms.map(([, arm]) => arm.stale)],
      ['runs that failed', 0, oracleArm.errors, ...arms.map(([, arm]) => arm.errors)],
      ['result-layer TTL at the end', '-', 'never expires', ...arms.map(([, arm]) => arm.resultTtl)],
    ],
    note:
      `Oracle provider-cache choice per call: ${oracle.choices.none} none, ${oracle.choices['5m']} 5m, ${oracle.choices['1h']} 1h. ` +
      `No cache prices every module and result look-up of every run as the call that answered it. ${oracleArm.skipped} runs named a file deleted by then and were dropped (in every arm).` +
      ([...outcomes.values()].some((arm) => arm.staleExamples.length + arm.errorExamples.length > 0)
        ? ` Problems: ${[...outcomes.values()].flatMap((arm) => [...arm.staleExamples, ...arm.errorExamples]).slice(0, 4).join('; ')}`
        : ''),
  });
  section.table({
    id: 'history-team-model',
    title: 'The team model (fixed; README, Benchmarks)',
    columns: ['parameter', 'value'],
    rows: Object.entries(TEAM_MODEL).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
  });
  return section.build();
}

async function replay(ctx: BenchContext, stream: readonly TeamStep[], arm: Arm): Promise<ArmOutcome> {
  const root = await ctx.env.tempDir(`history-${arm.id}`);
  const workspace = path.join(root, 'workspace');
  await mkdir(workspace, { recursive: true });
  const start = stream[0]?.at ?? 0;
  // The commits' clock drives the fake's prompt cache and, except for the oracle, the engine.
  const clock = new ManualClock(start);
  const engineClock = arm.id === 'oracle' ? new ManualClock(start) : clock;
  const answered: Answered[] = [];
  const paragraphs = Array.from({ length: 64 }, (_, index) => ctx.corpus.paragraphs.slice(index * 4, index * 4 + 4).join('\n\n'));
  const fake = await startFakeAnthropic({
    clock,
    chunkChars: 1024,
    responder: (request: FakeRequestBody) => {
      const id = answered.length + 1;
      const text = `[answer #${id}] ${paragraphs[id % paragraphs.length] as string}`;
      answered.push({ prompt: flatten(request), tokens: Math.ceil((flatten(request).length + text.length) / 4) });
      return text;
    },
  });
  const config = benchEngineConfig({
    section: `history ${arm.name}`,
    apiBaseUrl: fake.url,
    storageDir: path.join(root, 'storage'),
    redisUrl: arm.id === 'oracle' ? '' : ctx.env.redis.url,
    keyPrefix: ctx.prefix(`history-${arm.id}`),
    settings: arm.settings,
  });
  const engine = await CacheEngine.open({ config, apiKey: 'bench-key', clock: engineClock });
  const { workflows } = await discoverWorkflows(workspace);
  const contents = new Map<string, string>();
  const layers = Object.fromEntries(LAYERS.map((layer) => [layer, { hits: 0, total: 0 }])) as ArmOutcome['layers'];
  const outcome: ArmOutcome = {
    runs: 0,
    skipped: 0,
    errors: 0,
    errorExamples: [],
    resultHits: 0,
    layers,
    upstreamCalls: 0,
    stale: 0,
    staleExamples: [],
    spentUsd: 0,
    providerCacheSavedUsd: 0,
    calls: [],
    noCacheUsd: 0,
    noCacheCalls: 0,
    resultTtl: '',
  };
  // What each module or result key's call cost without any caching, for the no-cache figure.
  const plainCostOf = new Map<string, number>();
  try {
    ctx.log(`history: ${arm.name}, ${stream.length} steps`);
    for (const step of stream) {
      clock.set(Math.max(clock.now(), step.at));
      if (step.kind === 'commit') {
        for (const file of step.writes) {
          const content = synthesizeSource(ctx.corpus, file.blob, file.bytes);
          contents.set(file.path, content);
          await mkdir(path.dirname(path.join(workspace, file.path)), { recursive: true });
          await writeFile(path.join(workspace, file.path), content);
        }
        for (const file of step.deletes) {
          contents.delete(file);
          await rm(path.join(workspace, file), { force: true });
        }
        for (const file of [...step.writes.map((write) => write.path), ...step.deletes]) {
          await invalidateFileContexts(engine.cache, workspace, file, workflows);
        }
        continue;
      }
      const content = contents.get(step.file);
      if (content === undefined) {
        outcome.skipped++;
        continue;
      }
      const selection = step.workflow === 'explain-selection' ? selectionIn(content, step.region ?? 0) : undefined;
      const before = fake.usages.length;
      outcome.runs++;
      let result;
      try {
        result = await engine.pipeline.run({
          workflow: step.workflow,
          workspace,
          filePath: step.file,
          ...(selection !== undefined ? { selection } : {}),
          ...(step.origin ? { origin: step.origin } : {}),
        });
      } catch (error) {
        outcome.errors++;
        if (outcome.errorExamples.length < 3) outcome.errorExamples.push(`${arm.name} ${step.workflow} ${step.file}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (result.cached) outcome.resultHits++;
      for (const lookup of result.steps) {
        layers[lookup.layer].total++;
        if (lookup.source !== 'compute') layers[lookup.layer].hits++;
      }
      const problem = staleness(result, { workflow: step.workflow as 'review-file', file: step.file }, content, selection, answered);
      if (problem) {
        outcome.stale++;
        if (outcome.staleExamples.length < 3) outcome.staleExamples.push(`${arm.name} ${step.workflow} ${step.file}: ${problem}`);
      }
      // Calls of this run, in the order the pipeline made them: its computed modules, then its result.
      const paidSteps = result.steps.filter((lookup) => (lookup.layer === 'module' || lookup.layer === 'result') && lookup.source === 'compute');
      const calls = fake.usages.slice(before).map((usage, index) => {
        const request = fake.requests[before + index] as FakeRequestBody;
        const prefix = cacheablePrefix(request);
        return {
          at: step.at,
          model: request.model,
          prefixKey: prefix.key,
          prefixTokens: usage.cache_creation_input_tokens + usage.cache_read_input_tokens,
          inputTokens: usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens,
          outputTokens: usage.output_tokens,
        };
      });
      outcome.calls.push(...calls);
      if (arm.id === 'oracle') {
        if (calls.length !== paidSteps.length) throw new Error(`history: ${calls.length} calls for ${paidSteps.length} computed look-ups`);
        paidSteps.forEach((lookup, index) => plainCostOf.set(lookup.key, plainDollars(calls[index] as OracleCall)));
        for (const lookup of result.steps) {
          if (lookup.layer !== 'module' && lookup.layer !== 'result') continue;
          const cost = plainCostOf.get(lookup.key);
          if (cost === undefined) throw new Error(`history: no call known for ${lookup.key}`);
          outcome.noCacheUsd += cost;
          outcome.noCacheCalls++;
        }
      }
    }
    const stats = await engine.stats();
    outcome.upstreamCalls = fake.calls;
    outcome.spentUsd = stats.cost.spentUsd;
    outcome.providerCacheSavedUsd = stats.cost.savedByProviderCacheUsd;
    outcome.resultTtl = formatMs((stats.tuning?.ttlTuning.ttlSeconds.result ?? 0) * 1000);
    return outcome;
  } finally {
    await engine.close();
    await fake.close();
  }
}

/** The prefix a request offered the provider cache: every block up to the last one marked cacheable. */
function cacheablePrefix(request: FakeRequestBody): { key: string } {
  const blocks: Array<{ text: string; marked: boolean }> = [];
  const system = typeof request.system === 'string' ? [{ text: request.system }] : (request.system ?? []);
  for (const block of system) blocks.push({ text: block.text ?? '', marked: Boolean((block as { cache_control?: unknown }).cache_control) });
  for (const message of request.messages) {
    if (typeof message.content === 'string') blocks.push({ text: message.content, marked: false });
    else for (const block of message.content) blocks.push({ text: block.text ?? '', marked: Boolean(block.cache_control) });
  }
  let last = -1;
  blocks.forEach((block, index) => {
    if (block.marked) last = index;
  });
  if (last < 0) return { key: '' };
  const hash = createHash('sha256').update(request.model);
  for (const block of blocks.slice(0, last + 1)) hash.update('\u0000').update(block.text);
  return { key: hash.digest('hex') };
}
