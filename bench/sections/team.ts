import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CacheEngine, type PrewarmItem } from '../../src/core/engine';
import type { RunResult } from '../../src/core/pipeline';
import { startFakeAnthropic } from '../../test/helpers/fakeAnthropic';
import { figure, SectionBuilder, type BenchContext } from '../lib/context';
import { benchEngineConfig } from '../lib/engineConfig';
import { Recorder } from '../lib/measure';
import { pick, seededRandom } from '../lib/random';
import type { Section } from '../report/results';

const WORKFLOWS = ['review-file', 'write-tests'] as const;
/** What one upstream answer takes, roughly what a short Claude answer streams in. */
const UPSTREAM_LATENCY_MS = 200;

/**
 * The README's team setup, measured: two engines that share one Redis and nothing else (each has its own
 * embedded SurrealDB, as two machines would). A CI job prewarms the team's workflows through instance A; a
 * developer on instance B then runs the same workflows; then both instances get the same new request at once,
 * many times over, as a team hitting one fresh change would.
 */
export async function teamSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'team',
    'Team: two instances sharing Redis',
    'CI prewarm on instance A, a developer on instance B, and concurrent identical runs split over both, against the loopback fake API (200 ms per answer).',
  );
  const fileCount = ctx.scale(8, 2);
  const concurrent = ctx.scale(50, 10);
  const root = await ctx.env.tempDir('team');
  const workspace = path.join(root, 'workspace');
  await mkdir(path.join(workspace, 'src'), { recursive: true });
  const random = seededRandom(77);
  const files: string[] = [];
  for (let i = 0; i < fileCount; i++) {
    const file = `src/service${i}.ts`;
    files.push(file);
    await writeFile(path.join(workspace, file), Array.from({ length: 3 }, () => pick(ctx.corpus.snippets, random).code).join('\n\n'));
  }
  const fake = await startFakeAnthropic({
    latencyMs: UPSTREAM_LATENCY_MS,
    chunkChars: 256,
    responder: () => Array.from({ length: 3 }, () => pick(ctx.corpus.paragraphs, random)).join('\n\n'),
  });
  const keyPrefix = ctx.prefix('team');
  const open = async (name: string): Promise<CacheEngine> => {
    const config = benchEngineConfig({
      section: 'team',
      apiBaseUrl: fake.url,
      storageDir: path.join(root, name),
      redisUrl: ctx.env.redis.url,
      keyPrefix,
    });
    return CacheEngine.open({ config, apiKey: 'bench-key' });
  };
  const ci = await open('ci');
  const developer = await open('developer');
  try {
    const items: PrewarmItem[] = files.flatMap((file) => WORKFLOWS.map((workflow) => ({ workflow, file })));
    const prewarmStarted = Date.now();
    const prewarmed = await ci.prewarm(workspace, items);
    const prewarmMs = Date.now() - prewarmStarted;
    const prewarmCalls = fake.calls;
    const failed = prewarmed.filter((outcome) => outcome.error);
    if (failed.length > 0) throw new Error(`prewarm failed: ${failed[0]?.error?.message ?? ''}`);

    // The developer's runs: answered from Redis (promoted into B's memory), never from Claude.
    const developerRuns = new Recorder();
    const runs: RunResult[] = [];
    for (const item of items) {
      const started = process.hrtime.bigint();
      runs.push(await developer.pipeline.run({ workflow: item.workflow, workspace, ...(item.file ? { filePath: item.file } : {}) }));
      const elapsed = Number(process.hrtime.bigint() - started);
      developerRuns.histogram.record(Math.max(1, elapsed));
      developerRuns.addRound(elapsed, 1, 1, 0);
    }
    const developerHits = runs.filter((run) => run.cached).length;
    const developerCalls = fake.calls - prewarmCalls;
    const developerSaved = developer.ledger.totals().savedByLocalHitsUsd;

    // What one run of a new request costs alone (review-file calls Claude for the file-outline module and the
    // answer), then a file nobody has asked about yet, asked about by both instances at once.
    const solo = 'src/solo-feature.ts';
    await writeFile(path.join(workspace, solo), pick(ctx.corpus.snippets, random).code);
    const beforeSolo = fake.calls;
    await ci.pipeline.run({ workflow: 'review-file', workspace, filePath: solo });
    const soloCalls = fake.calls - beforeSolo;
    const fresh = 'src/new-feature.ts';
    await writeFile(path.join(workspace, fresh), pick(ctx.corpus.snippets, random).code);
    const before = fake.calls;
    const stampedeStarted = Date.now();
    const answers = await Promise.all(
      Array.from({ length: concurrent }, (_, index) =>
        (index % 2 === 0 ? ci : developer).pipeline.run({ workflow: 'review-file', workspace, filePath: fresh }),
      ),
    );
    const stampedeMs = Date.now() - stampedeStarted;
    const stampedeCalls = fake.calls - before;
    const distinctTexts = new Set(answers.map((answer) => answer.text)).size;

    section.metric('developerHitRate', developerHits / items.length);
    section.metric('developerUpstreamCalls', developerCalls);
    section.metric('concurrentCallsPerSoloCall', stampedeCalls / soloCalls);
    section.table({
      id: 'team-summary',
      title: `Two instances, one Redis: ${items.length} prewarmed runs (${WORKFLOWS.join(', ')} over ${files.length} files), then ${concurrent} concurrent identical runs`,
      columns: ['figure', 'value'],
      rows: [
        ['CI prewarm on instance A: runs, Claude calls, time', `${items.length}, ${prewarmCalls}, ${(prewarmMs / 1000).toFixed(1)} s`],
        ['CI prewarm cost', `$${ci.ledger.totals().spentUsd.toFixed(4)}`],
        ['developer on instance B: answers from the cache', `${developerHits} of ${items.length}`],
        ['developer on instance B: Claude calls', developerCalls],
        ['developer on instance B: dollars saved', `$${developerSaved.toFixed(4)}`],
        ['one new review-file run alone: Claude calls (module + answer)', soloCalls],
        [`${concurrent} concurrent identical new runs over A and B: Claude calls`, stampedeCalls],
        [`${concurrent} concurrent identical runs: distinct answers, wall time`, `${distinctTexts}, ${stampedeMs} ms`],
      ],
    });
    section.row({
      id: 'team-developer-run',
      operation: 'developer run answered from the team cache (Redis hit, replayed as a stream)',
      ours: figure('ours', 'ours', 'pipeline.run on instance B after CI prewarm on A', developerRuns.summary()),
      peers: [],
    });
  } finally {
    await Promise.all([ci.close(), developer.close()]);
    await fake.close();
    await ctx.env.admin.flushdb();
  }
  return section.build();
}
