import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { CacheEngine, type EngineStats } from '../../src/core/engine';
import { invalidateFileContexts } from '../../src/core/fileInvalidation';
import { LAYERS, type Layer } from '../../src/core/layers';
import { formatMs } from '../../src/core/tuning';
import { discoverWorkflows } from '../../src/core/workflows';
import { startFakeAnthropic, type FakeRequestBody } from '../../test/helpers/fakeAnthropic';
import { SectionBuilder, type BenchContext } from '../lib/context';
import { pick, seededRandom } from '../lib/random';
import { ZipfSampler } from '../lib/zipf';
import { benchEngineConfig } from '../lib/engineConfig';
import type { Section } from '../report/results';
import { flatten, selectionOf, staleness, WORKFLOWS, type Answered, type Task } from './trace';

const MINUTE = 60_000;

/** The session both arms replay: the same runs, edits and pauses, decided before either starts. */
interface Session {
  files: string[];
  initial: Map<string, string>;
  tasks: Task[];
  /** Per run: the task, the pause before it (simulated), and the edit made before it, if any. */
  steps: Array<{ task: Task; pauseMs: number; edit?: { file: string; content: string } }>;
  paragraphs: string[];
}

interface ArmSettings {
  name: string;
  settings: Record<string, unknown>;
}

interface ArmOutcome {
  runs: number;
  resultHits: number;
  layers: Record<Layer, { hits: number; total: number }>;
  upstreamCalls: number;
  stale: number;
  staleExamples: string[];
  stats: EngineStats;
  ttlChanges: Array<{ layer: Layer; fromMs: number; toMs: number; reason: string }>;
}

/**
 * Tuning off: TTL tuning and hot-entry pinning off; providerCache is left to its shipped default (`auto`), so the
 * provider-cache figure of this arm is what a user gets out of the box.
 */
const OFF: ArmSettings = { name: 'tuning off', settings: { 'ttlTuning.enabled': false, 'pinning.enabled': false } };
/** Tuning on: TTL tuning, the provider-cache TTL chosen per workflow, hot-entry pinning. */
const ON: ArmSettings = { name: 'tuning on', settings: { 'ttlTuning.enabled': true, providerCache: 'auto', 'pinning.enabled': true } };

/**
 * The workflow trace replayed twice in one run, tuning off and tuning on, on simulated time: a developer's
 * runs with pauses of minutes, sometimes an hour or more, over days, so TTLs and the provider cache matter.
 * Each arm has its own engine, storage, Redis prefix, fake API and clock; both see the same runs and edits.
 */
export async function tuningSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'tuning',
    'Self-tuning: the workflow trace with tuning off and on',
    'The same replayed session (runs, file edits, pauses on a simulated clock) through two engines: TTL tuning and hot-entry pinning off versus on; both use providerCache auto, the shipped default.',
  );
  const session = buildSession(ctx);
  const off = await replay(ctx, session, OFF);
  const on = await replay(ctx, session, ON);

  const rate = (hits: number, total: number) => (total === 0 ? 0 : hits / total);
  const pct = (value: number) => `${(100 * value).toFixed(1)} %`;
  const usd = (value: number) => `$${value.toFixed(4)}`;
  section.metric('resultHitRateOff', rate(off.resultHits, off.runs));
  section.metric('resultHitRateOn', rate(on.resultHits, on.runs));
  section.metric('upstreamCallsOff', off.upstreamCalls);
  section.metric('upstreamCallsOn', on.upstreamCalls);
  section.metric('spentUsdOff', off.stats.cost.spentUsd);
  section.metric('spentUsdOn', on.stats.cost.spentUsd);
  section.metric('staleAnswers', off.stale + on.stale);

  const days = session.steps.reduce((sum, step) => sum + step.pauseMs, 0) / 86_400_000;
  const edits = session.steps.filter((step) => step.edit).length;
  const ttl = (arm: ArmOutcome, layer: Layer) => formatMs((arm.stats.tuning?.ttlTuning.ttlSeconds[layer] ?? 0) * 1000);
  section.table({
    id: 'tuning-comparison',
    title: `Tuning off vs on, same session: ${session.steps.length} runs of ${WORKFLOWS.length} workflows over ${session.files.length} files, ${edits} edits, ${days.toFixed(1)} simulated days`,
    columns: ['figure', OFF.name, ON.name],
    rows: [
      ['answers served from the cache (result-layer hit rate)', pct(rate(off.resultHits, off.runs)), pct(rate(on.resultHits, on.runs))],
      ...LAYERS.map((layer): Array<string | number> => [
        `${layer}-layer hit rate`,
        pct(rate(off.layers[layer].hits, off.layers[layer].total)),
        pct(rate(on.layers[layer].hits, on.layers[layer].total)),
      ]),
      ['upstream calls (fake API)', off.upstreamCalls, on.upstreamCalls],
      ['dollars spent', usd(off.stats.cost.spentUsd), usd(on.stats.cost.spentUsd)],
      ['dollars saved by local hits', usd(off.stats.cost.savedByLocalHitsUsd), usd(on.stats.cost.savedByLocalHitsUsd)],
      ['dollars saved by the provider prompt cache', usd(off.stats.cost.savedByProviderCacheUsd), usd(on.stats.cost.savedByProviderCacheUsd)],
      ['stale answers served', off.stale, on.stale],
      ['tier hits (memory / Redis / SurrealDB)', tierHits(off.stats), tierHits(on.stats)],
      ...LAYERS.map((layer): Array<string | number> => [`${layer} TTL at the end`, ttl(off, layer), ttl(on, layer)]),
      ['TTL changes made', off.ttlChanges.length, on.ttlChanges.length],
      ['provider-cache TTL per workflow (auto, the shipped default, in both arms)', providerChoices(off.stats), providerChoices(on.stats)],
    ],
    ...(off.staleExamples.length + on.staleExamples.length > 0 ? { note: `Stale: ${[...off.staleExamples, ...on.staleExamples].join('; ')}` } : {}),
  });
  section.table({
    id: 'tuning-ttl-changes',
    title: 'TTL changes tuning made, with their reasons (first 12)',
    columns: ['layer', 'from', 'to', 'reason'],
    rows: on.ttlChanges.slice(0, 12).map((change) => [change.layer, formatMs(change.fromMs), formatMs(change.toMs), change.reason]),
  });
  section.table({
    id: 'tuning-provider-cache',
    title: 'Provider-cache TTL chosen by auto at the end, per arm and workflow, with what each choice would have cost over the calls it saw',
    columns: ['arm', 'workflow', 'TTL', 'calls seen', 'calls repeating a prefix', 'median gap to the repeat', 'cost off / 5m / 1h', 'saving vs no caching'],
    rows: [off, on].flatMap((arm, index) =>
      (arm.stats.tuning?.providerCache.decisions ?? []).map((decision) => [
        index === 0 ? OFF.name : ON.name,
        decision.workflow,
        decision.ttl,
        decision.callsObserved,
        decision.repeatedPrefixCalls,
        decision.medianGapMs === null ? '-' : formatMs(decision.medianGapMs),
        (['off', '5m', '1h'] as const).map((ttl) => dollars(decision.estimatedCostUsd[ttl])).join(' / '),
        dollars(decision.savingVsOffUsd),
      ]),
    ),
  });
  return section.build();
}

function buildSession(ctx: BenchContext): Session {
  const runs = ctx.scale(1_000, 80);
  const editEvery = ctx.scale(50, 15);
  const fileCount = ctx.scale(10, 4);
  const random = seededRandom(4242);
  const files: string[] = [];
  const initial = new Map<string, string>();
  for (let i = 0; i < fileCount; i++) {
    const file = `src/module${i}.ts`;
    // Long enough (over 1024 tokens) that the document reaches the model's minimum cacheable prefix.
    let body = `// module ${i}\n`;
    while (body.length < 6_000) body += `${pick(ctx.corpus.snippets, random).code}\n\n`;
    files.push(file);
    initial.set(file, body);
  }
  const tasks: Task[] = files.flatMap((file) => WORKFLOWS.map((workflow) => ({ workflow, file })));
  const order = new ZipfSampler(tasks.length, 1.0, 99).sequence(runs);
  const editOrder = new ZipfSampler(files.length, 1.0, 5).sequence(Math.ceil(runs / editEvery) + 1);
  const contents = new Map(initial);
  const steps: Session['steps'] = [];
  let edits = 0;
  for (let run = 0; run < runs; run++) {
    // Mostly minutes apart, sometimes a longer pause, now and then a break of hours.
    const roll = random();
    const pauseMs =
      roll < 0.6 ? (0.5 + 4.5 * random()) * MINUTE : roll < 0.9 ? (5 + 40 * random()) * MINUTE : (60 + 180 * random()) * MINUTE;
    let edit: { file: string; content: string } | undefined;
    if (run > 0 && run % editEvery === 0) {
      const file = files[editOrder[edits] as number] as string;
      edits++;
      const content = `${contents.get(file) as string}// edit ${edits}: ${pick(ctx.corpus.paragraphs, random).slice(0, 80).replace(/\n/g, ' ')}\n`;
      contents.set(file, content);
      edit = { file, content };
    }
    steps.push({ task: tasks[order[run] as number] as Task, pauseMs, ...(edit ? { edit } : {}) });
  }
  const paragraphs = Array.from({ length: 64 }, () => Array.from({ length: 4 }, () => pick(ctx.corpus.paragraphs, random)).join('\n\n'));
  return { files, initial, tasks, steps, paragraphs };
}

async function replay(ctx: BenchContext, session: Session, arm: ArmSettings): Promise<ArmOutcome> {
  const root = await ctx.env.tempDir(`tuning-${arm.name.replace(/\W+/g, '-')}`);
  const workspace = path.join(root, 'workspace');
  await mkdir(path.join(workspace, 'src'), { recursive: true });
  const contents = new Map(session.initial);
  for (const [file, content] of contents) await writeFile(path.join(workspace, file), content);

  const clock = new ManualClock();
  const answered: Answered[] = [];
  const fake = await startFakeAnthropic({
    clock,
    chunkChars: 256,
    responder: (request: FakeRequestBody) => {
      const id = answered.length + 1;
      const text = `[answer #${id}] ${session.paragraphs[id % session.paragraphs.length] as string}`;
      answered.push({ prompt: flatten(request), tokens: Math.ceil((flatten(request).length + text.length) / 4) });
      return text;
    },
  });
  const config = benchEngineConfig({
    section: arm.name,
    apiBaseUrl: fake.url,
    storageDir: path.join(root, 'storage'),
    redisUrl: ctx.env.redis.url,
    keyPrefix: ctx.prefix(`tuning-${arm.name.replace(/\W+/g, '-')}`),
    settings: arm.settings,
  });
  const engine = await CacheEngine.open({ config, apiKey: 'bench-key', clock });
  const { workflows } = await discoverWorkflows(workspace);
  const layers = Object.fromEntries(LAYERS.map((layer) => [layer, { hits: 0, total: 0 }])) as ArmOutcome['layers'];
  let resultHits = 0;
  let stale = 0;
  const staleExamples: string[] = [];
  try {
    ctx.log(`tuning: ${arm.name}, ${session.steps.length} runs`);
    for (const [run, step] of session.steps.entries()) {
      if (step.edit) {
        contents.set(step.edit.file, step.edit.content);
        await writeFile(path.join(workspace, step.edit.file), step.edit.content);
        await invalidateFileContexts(engine.cache, workspace, step.edit.file, workflows);
      }
      clock.advance(Math.round(step.pauseMs));
      const content = contents.get(step.task.file) as string;
      const selection = step.task.workflow === 'explain-selection' ? selectionOf(content) : undefined;
      const result = await engine.pipeline.run({
        workflow: step.task.workflow,
        workspace,
        filePath: step.task.file,
        ...(selection !== undefined ? { selection } : {}),
      });
      if (result.cached) resultHits++;
      for (const lookup of result.steps) {
        layers[lookup.layer].total++;
        if (lookup.source !== 'compute') layers[lookup.layer].hits++;
      }
      const problem = staleness(result, step.task, content, selection, answered);
      if (problem) {
        stale++;
        if (staleExamples.length < 3) staleExamples.push(`${arm.name}, run ${run} (${step.task.workflow} ${step.task.file}): ${problem}`);
      }
    }
    const stats = await engine.stats();
    return {
      runs: session.steps.length,
      resultHits,
      layers,
      upstreamCalls: fake.calls,
      stale,
      staleExamples,
      stats,
      ttlChanges: engine.tuning.ttl.changes(),
    };
  } finally {
    await engine.close();
    await fake.close();
  }
}

function tierHits(stats: EngineStats): string {
  return `${stats.tiers.memory.hits} / ${stats.tiers.redis.hits} / ${stats.tiers.surreal.hits}`;
}

function dollars(value: number | 'unknown'): string {
  return value === 'unknown' ? 'unknown' : `$${value.toFixed(4)}`;
}

function providerChoices(stats: EngineStats): string {
  const decisions = stats.tuning?.providerCache.decisions ?? [];
  return decisions.length === 0 ? 'none yet' : decisions.map((decision) => `${decision.workflow} ${decision.ttl}`).join(', ');
}
