import { setTimeout as sleep } from 'node:timers/promises';
import { CacheEngine } from '../../src/core/engine';
import { RedisStore } from '../../src/core/stores/redis/redisStore';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import path from 'node:path';
import { timeCli } from '../lib/cliTiming';
import { benchEngineConfig } from '../lib/engineConfig';
import { figure, SectionBuilder, type BenchContext } from '../lib/context';
import { measureRepeated } from '../lib/measure';
import { connectRawSurreal } from '../lib/rawSurreal';
import type { Section } from '../report/results';

/**
 * How long until the cache can answer: the whole engine (memory, Redis, SurrealDB, ledger, pipeline) on a
 * fresh storage folder and on one it used before, SurrealDB alone (a first open defines the table and builds
 * its indexes in a child process), and Redis alone. Floors are the raw SDK connects.
 */
export async function coldStartSection(ctx: BenchContext): Promise<Section> {
  const section = new SectionBuilder(
    'coldStart',
    'Cold start',
    'Time until the engine, or one tier, is ready. Each run uses a folder of its own (a fresh one, or one opened and closed before).',
  );
  const runs = ctx.scale(5, 1);
  const url = ctx.env.redis.url;

  ctx.log('cold start: engine');
  const openEngine = async (storageDir: string): Promise<number> => {
    const config = benchEngineConfig({ section: 'cold start', storageDir, redisUrl: url, keyPrefix: ctx.prefix('cold') });
    const started = process.hrtime.bigint();
    const engine = await CacheEngine.open({ config });
    const elapsed = Number(process.hrtime.bigint() - started);
    const failed = engine.openings.filter((opening) => opening.status !== 'up');
    await engine.close();
    if (failed.length > 0) throw new Error(`engine tiers did not open: ${failed.map((opening) => `${opening.tier}: ${opening.detail}`).join('; ')}`);
    return elapsed;
  };
  const engineFresh = await measureRepeated(runs, async () => openEngine(await ctx.env.tempDir('engine')));
  const engineDirs: string[] = [];
  for (let run = 0; run < runs; run++) {
    const dir = await ctx.env.tempDir('engine-reopen');
    await openEngine(dir);
    engineDirs.push(dir);
  }
  const engineReopen = await measureRepeated(runs, async (run) => openEngine(engineDirs[run] as string));

  ctx.log('cold start: SurrealDB');
  const openStore = async (dir: string): Promise<number> => {
    const started = process.hrtime.bigint();
    const store = await SurrealStore.open({ url: `surrealkv://${dir}`, namespace: 'bench', database: 'bench', cleanupIntervalMs: 0 });
    const elapsed = Number(process.hrtime.bigint() - started);
    await store.close();
    return elapsed;
  };
  const surrealFresh = await measureRepeated(runs, async () => openStore(await ctx.env.tempDir('surreal-cold')));
  const storeDirs: string[] = [];
  for (let run = 0; run < runs; run++) {
    const dir = await ctx.env.tempDir('surreal-reopen');
    await openStore(dir);
    storeDirs.push(dir);
  }
  const surrealReopen = await measureRepeated(runs, async (run) => openStore(storeDirs[run] as string));
  const rawDirs: string[] = [];
  const rawFresh = await measureRepeated(runs, async () => {
    const dir = await ctx.env.tempDir('surreal-raw-cold');
    rawDirs.push(dir);
    const connection = await connectRawSurreal(dir);
    await connection.close();
    return connection.elapsedNs;
  });
  const rawConnect = await measureRepeated(runs, async (run) => {
    // The engine lets go of a directory a few milliseconds after close(); reconnecting sooner can hang.
    await sleep(100);
    const connection = await connectRawSurreal(rawDirs[run] as string);
    await connection.close();
    return connection.elapsedNs;
  });

  ctx.log('cold start: Redis');
  const redisConnect = await measureRepeated(runs, async () => {
    const started = process.hrtime.bigint();
    const store = await RedisStore.connect({ url, keyPrefix: ctx.prefix('cold-redis') });
    const elapsed = Number(process.hrtime.bigint() - started);
    await store.close();
    return elapsed;
  });

  section.row({
    id: 'cold-start-engine',
    operation: 'engine ready (CacheEngine.open), storage folder used before',
    ours: figure('ours', 'ours', 'CacheEngine.open: memory, Redis, SurrealDB, ledger', engineReopen),
    floor: figure('raw SurrealDB connect', 'floor', 'new Surreal + connect(surrealkv://) + use, folder used before', rawConnect),
    references: [
      figure('ours, fresh storage folder', 'ours', 'CacheEngine.open on an empty folder (schema and indexes built)', engineFresh),
      figure('raw SurrealDB connect, fresh folder', 'floor', 'new Surreal + connect(surrealkv://) + use, empty folder', rawFresh),
    ],
    peers: [],
    note: 'The floor is the slowest raw step the engine must take; the peers have no persistent tier to open.',
  });
  section.row({
    id: 'cold-start-surreal',
    operation: 'SurrealDB tier ready (SurrealStore.open), folder used before',
    ours: figure('ours', 'ours', 'SurrealStore.open', surrealReopen),
    floor: figure('raw SurrealDB connect', 'floor', 'new Surreal + connect(surrealkv://) + use, folder used before', rawConnect),
    references: [
      figure('ours, fresh folder', 'ours', 'SurrealStore.open on an empty folder (indexes built in a child process)', surrealFresh),
      figure('raw SurrealDB connect, fresh folder', 'floor', 'new Surreal + connect(surrealkv://) + use, empty folder', rawFresh),
    ],
    peers: [],
  });
  section.row({
    id: 'cold-start-redis',
    operation: 'Redis tier ready (RedisStore.connect)',
    ours: figure('ours', 'ours', 'RedisStore.connect', redisConnect),
    peers: [],
  });
  ctx.log('cold start: the CLI, whole process');
  const cli = await timeCli(ctx, path.resolve(__dirname, '..', '..'), ctx.scale(15, 2));
  section.metric('cliCachedRunOverNode', cli.cachedRunOverNode);
  section.metric('cliHelpOverNode', cli.helpOverNode);
  section.row({
    id: 'cold-start-cli-cached-run',
    operation: 'claude-cache run answered from the cache, whole process (spawn to exit)',
    ours: figure('ours', 'ours', 'node dist/cli.js run review-file --file src/sum.ts (a hit, embedded SurrealDB)', cli.cachedRun),
    floor: figure('node -e 0', 'floor', 'node -e 0: Node starting and exiting', cli.node),
    references: [
      figure('ours, --help', 'ours', 'node dist/cli.js --help', cli.help),
      figure('ours, workflows', 'ours', 'node dist/cli.js workflows (opens no store)', cli.workflows),
    ],
    peers: [],
    note: `Rounds alternate node -e 0, --help, workflows and the cached run; the ratio is the median of per-round ratios: cached run ${cli.cachedRunOverNode.toFixed(2)}x node -e 0, --help ${cli.helpOverNode.toFixed(2)}x.`,
  });
  await ctx.env.admin.flushdb();
  return section.build();
}
