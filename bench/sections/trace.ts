import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CacheEngine } from '../../src/core/engine';
import { invalidateFileContexts } from '../../src/core/fileInvalidation';
import type { Layer } from '../../src/core/layers';
import type { RunResult } from '../../src/core/pipeline';
import { discoverWorkflows } from '../../src/core/workflows';
import { startFakeAnthropic, type FakeRequestBody } from '../../test/helpers/fakeAnthropic';
import { benchEngineConfig } from '../lib/engineConfig';
import { figure, SectionBuilder, type BenchContext } from '../lib/context';
import { Recorder } from '../lib/measure';
import { pick, seededRandom } from '../lib/random';
import { ZipfSampler } from '../lib/zipf';
import type { Section } from '../report/results';

export const WORKFLOWS = ['review-file', 'write-tests', 'explain-selection'] as const;
type WorkflowName = (typeof WORKFLOWS)[number];

export interface Task {
  workflow: WorkflowName;
  file: string;
}

/** What the fake answered: the full text of the request it answered, and the tokens it billed. */
export interface Answered {
  prompt: string;
  tokens: number;
}

const ANSWER_MARK = /\[answer #(\d+)\]/g;

/**
 * A replayed developer session through the whole pipeline (CacheEngine + pipeline.run over memory, Redis and
 * SurrealDB) against the loopback fake Messages API. Workflows and files are picked by Zipf; every few runs a
 * file is edited (and its context snapshots dropped, as the editor's watcher does). Every answer names the
 * request that produced it, so each served answer is checked against the files and selection as they are now:
 * an answer whose request saw other contents is stale.
 */
export async function traceSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'trace',
    'Workflow trace',
    'A developer session replayed through CacheEngine and pipeline.run against the loopback fake API, with file edits between runs.',
  );
  const runs = ctx.scale(1_000, 60);
  const editEvery = ctx.scale(50, 15);
  const fileCount = ctx.scale(10, 4);
  const root = await ctx.env.tempDir('trace');
  const workspace = path.join(root, 'workspace');
  await mkdir(path.join(workspace, 'src'), { recursive: true });

  // Source files built from real code, so prompts and outlines look like the real thing.
  const random = seededRandom(2024);
  const files: string[] = [];
  const contents = new Map<string, string>();
  for (let i = 0; i < fileCount; i++) {
    const file = `src/module${i}.ts`;
    const body = Array.from({ length: 3 }, () => pick(ctx.corpus.snippets, random).code).join('\n\n');
    files.push(file);
    contents.set(file, `// module ${i}\n${body}\n`);
    await writeFile(path.join(workspace, file), contents.get(file) as string);
  }
  const tasks: Task[] = files.flatMap((file) => WORKFLOWS.map((workflow) => ({ workflow, file })));
  const taskOrder = new ZipfSampler(tasks.length, 1.0, 99).sequence(runs);
  const editOrder = new ZipfSampler(files.length, 1.0, 5).sequence(Math.ceil(runs / editEvery) + 1);

  const answered: Answered[] = [];
  const answerText = (id: number): string =>
    `[answer #${id}] ${Array.from({ length: 4 }, () => pick(ctx.corpus.paragraphs, random)).join('\n\n')}`;
  const fake = await startFakeAnthropic({
    chunkChars: 256,
    responder: (request: FakeRequestBody) => {
      const id = answered.length + 1;
      const text = answerText(id);
      answered.push({ prompt: flatten(request), tokens: Math.ceil((flatten(request).length + text.length) / 4) });
      return text;
    },
  });
  const config = benchEngineConfig({
    section: 'trace',
    apiBaseUrl: fake.url,
    storageDir: path.join(root, 'storage'),
    redisUrl: ctx.env.redis.url,
    keyPrefix: ctx.prefix('trace'),
  });
  const engine = await CacheEngine.open({ config, apiKey: 'bench-key' });
  const { workflows } = await discoverWorkflows(workspace);

  const layerCounts = new Map<Layer, { hits: number; total: number }>();
  const hitLatency = new Recorder();
  const missLatency = new Recorder();
  let stale = 0;
  let resultHits = 0;
  let tokensSaved = 0;
  let edits = 0;
  const staleExamples: string[] = [];
  try {
    ctx.log(`trace: ${runs} runs`);
    for (let run = 0; run < runs; run++) {
      if (run > 0 && run % editEvery === 0) {
        const file = files[editOrder[edits] as number] as string;
        edits++;
        const next = `${contents.get(file) as string}// edit ${edits}: ${pick(ctx.corpus.paragraphs, random).slice(0, 80).replace(/\n/g, ' ')}\n`;
        contents.set(file, next);
        await writeFile(path.join(workspace, file), next);
        await invalidateFileContexts(engine.cache, workspace, file, workflows);
      }
      const task = tasks[taskOrder[run] as number] as Task;
      const content = contents.get(task.file) as string;
      const selection = task.workflow === 'explain-selection' ? selectionOf(content) : undefined;
      const started = process.hrtime.bigint();
      const result = await engine.pipeline.run({
        workflow: task.workflow,
        workspace,
        filePath: task.file,
        ...(selection !== undefined ? { selection } : {}),
      });
      const elapsed = Number(process.hrtime.bigint() - started);
      (result.cached ? hitLatency : missLatency).histogram.record(Math.max(1, elapsed));
      (result.cached ? hitLatency : missLatency).addRound(elapsed, 1, 1, 0);
      if (result.cached) resultHits++;
      for (const step of result.steps) {
        const counts = layerCounts.get(step.layer) ?? { hits: 0, total: 0 };
        counts.total++;
        if (step.source !== 'compute') counts.hits++;
        layerCounts.set(step.layer, counts);
      }
      const problem = staleness(result, task, content, selection, answered);
      if (problem) {
        stale++;
        if (staleExamples.length < 3) staleExamples.push(`run ${run} (${task.workflow} ${task.file}): ${problem}`);
      }
      tokensSaved += savedTokens(result, answered);
    }
    section.metric('resultHitRate', resultHits / runs);
    section.metric('staleAnswers', stale);
    const stats = await engine.stats();
    const totals = engine.ledger.totals();
    section.table({
      id: 'trace-summary',
      title: `Replayed session: ${runs} runs of ${WORKFLOWS.length} workflows over ${files.length} files, ${edits} edits`,
      columns: ['figure', 'value'],
      rows: [
        ['runs', runs],
        ['answers served from the cache (result-layer hit rate)', `${resultHits} (${((100 * resultHits) / runs).toFixed(1)} %)`],
        ['stale answers served', stale],
        ['upstream calls (fake API)', fake.calls],
        ['calls avoided (ledger)', totals.avoidedCalls],
        ['tokens billed upstream', answered.reduce((sum, answer) => sum + answer.tokens, 0)],
        ['tokens saved by local hits', tokensSaved],
        ['dollars spent', `$${totals.spentUsd.toFixed(4)}`],
        ['dollars saved by local hits', `$${totals.savedByLocalHitsUsd.toFixed(4)}`],
        ['dollars saved by the provider prompt cache', `$${totals.savedByProviderCacheUsd.toFixed(4)}`],
        ['tier hits (memory / Redis / SurrealDB)', `${stats.tiers.memory.hits} / ${stats.tiers.redis.hits} / ${stats.tiers.surreal.hits}`],
      ],
      ...(staleExamples.length > 0 ? { note: `Stale: ${staleExamples.join('; ')}` } : {}),
    });
    section.table({
      id: 'trace-layers',
      title: 'Hit rate per layer over the session (a step is one look-up; modules run once per module)',
      columns: ['layer', 'look-ups', 'hits', 'hit rate %'],
      rows: (['prompt', 'context', 'module', 'result'] as const).map((layer) => {
        const counts = layerCounts.get(layer) ?? { hits: 0, total: 0 };
        return [layer, counts.total, counts.hits, counts.total === 0 ? 0 : +((100 * counts.hits) / counts.total).toFixed(1)];
      }),
    });
    section.row({
      id: 'trace-run-latency',
      operation: 'workflow run answered from the cache (replayed as a stream)',
      ours: figure('ours', 'ours', 'pipeline.run, result-layer hit', hitLatency.summary()),
      references: [figure('ours, run that called the fake API', 'ours', 'pipeline.run, result-layer miss (0 ms fake latency)', missLatency.summary())],
      peers: [],
    });
  } finally {
    await engine.close();
    await fake.close();
    await ctx.env.admin.flushdb();
  }
  return section.build();
}

/** The first lines of a file, as a user would select them. */
export function selectionOf(content: string): string {
  return content.split('\n').slice(0, 6).join('\n');
}

/** Every text the request carried, system prompt included, in order. */
export function flatten(request: FakeRequestBody): string {
  const parts: string[] = [];
  if (typeof request.system === 'string') parts.push(request.system);
  else for (const block of request.system ?? []) parts.push(block.text ?? '');
  for (const message of request.messages) {
    if (typeof message.content === 'string') parts.push(message.content);
    else for (const block of message.content) parts.push(block.text ?? '');
  }
  return parts.join('\n');
}

/**
 * Why a served answer is stale, or undefined when it is fresh: the request behind it (and behind every module
 * answer it quotes) must carry the file as it is now, and the selection as it is now.
 */
export function staleness(result: RunResult, task: Task, content: string, selection: string | undefined, answered: readonly Answered[]): string | undefined {
  const ids = [...result.text.matchAll(ANSWER_MARK)].map((match) => Number(match[1]));
  if (ids.length === 0) return 'the answer names no request';
  const requestIds = new Set<number>();
  const visit = (id: number): void => {
    if (requestIds.has(id)) return;
    requestIds.add(id);
    const prompt = answered[id - 1]?.prompt ?? '';
    for (const quoted of prompt.matchAll(ANSWER_MARK)) visit(Number(quoted[1]));
  };
  visit(ids[0] as number);
  for (const id of requestIds) {
    const prompt = answered[id - 1]?.prompt;
    if (prompt === undefined) return `answer #${id} was never produced`;
    if (task.workflow !== 'explain-selection' && !prompt.includes(content)) return `answer #${id} was produced for another version of ${task.file}`;
    if (selection !== undefined && id === ids[0] && !prompt.includes(selection)) return `answer #${id} was produced for another selection`;
  }
  return undefined;
}

/** Tokens a run did not pay for: the result answer when it was served, and each module answer that was. */
function savedTokens(result: RunResult, answered: readonly Answered[]): number {
  const finalId = Number([...result.text.matchAll(ANSWER_MARK)][0]?.[1] ?? 0);
  const finalPrompt = answered[finalId - 1]?.prompt ?? '';
  let saved = 0;
  for (const step of result.steps) {
    if (step.source === 'compute') continue;
    if (step.layer === 'result') saved += answered[finalId - 1]?.tokens ?? 0;
    if (step.layer === 'module' && step.module) {
      // The module's answer is quoted in the final request inside its notes block.
      const notes = finalPrompt.split(`<notes source="${step.module}">`)[1] ?? '';
      const moduleId = Number(/\[answer #(\d+)\]/.exec(notes)?.[1] ?? 0);
      saved += answered[moduleId - 1]?.tokens ?? 0;
    }
  }
  return saved;
}
