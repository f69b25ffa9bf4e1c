import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startFakeAnthropic } from '../../test/helpers/fakeAnthropic';
import type { BenchContext } from './context';
import { Recorder, type LatencySummary } from './measure';

/** Whole-process wall times of the CLI beside `node -e 0`, taken in turn so load from elsewhere falls on both. */
export interface CliTimings {
  node: LatencySummary;
  help: LatencySummary;
  workflows: LatencySummary;
  cachedRun: LatencySummary;
  /** Median of the per-round ratios cached run / `node -e 0`. */
  cachedRunOverNode: number;
  helpOverNode: number;
}

/** Wall nanoseconds from spawning `command` to its exit; throws when it exits non-zero. */
async function timeProcess(command: string, args: readonly string[], options: SpawnOptions): Promise<number> {
  const started = process.hrtime.bigint();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (exitCode) => (exitCode === 0 ? resolve(exitCode) : reject(new Error(`${args.join(' ')} exited ${exitCode}: ${stderr.trim()}`))));
  });
  void code;
  return Number(process.hrtime.bigint() - started);
}

/**
 * The shipped CLI bundle (esbuild.mjs, built into a scratch folder) answering `run review-file` from the cache,
 * `--help` and `workflows`, each as a whole process, against `node -e 0` in the same rounds. The first run fills
 * the cache through the loopback fake API; the timed runs are hits.
 */
export async function timeCli(ctx: BenchContext, root: string, rounds: number): Promise<CliTimings> {
  const scratch = await ctx.env.tempDir('cli-timing');
  // Inside the repository (an ignored folder), so the bundle's externals resolve from its node_modules as they do
  // from dist/: ESM imports (SurrealDB's SDK) ignore NODE_PATH.
  const outdir = path.join(root, 'node_modules', '.cache', 'claude-cache-bench-cli');
  // The production build, as the VSIX and the npm package ship it.
  await timeProcess(process.execPath, ['esbuild.mjs', '--production', `--outdir=${outdir}`], { cwd: root });
  const workspace = path.join(scratch, 'workspace');
  await mkdir(path.join(workspace, 'src'), { recursive: true });
  // Plain code: a file that looked like it held a secret would stay in one process's memory and never hit.
  await writeFile(path.join(workspace, 'src', 'sum.ts'), 'export function sum(values: readonly number[]): number {\n  return values.reduce((total, value) => total + value, 0);\n}\n');
  const fake = await startFakeAnthropic();
  try {
    const options: SpawnOptions = {
      cwd: workspace,
      env: {
        PATH: process.env.PATH ?? '',
        // The launcher's V8 code cache goes to ~/.cache: this run's own, written by the untimed runs.
        HOME: scratch,
        ANTHROPIC_API_KEY: 'bench-key',
        ANTHROPIC_BASE_URL: fake.url,
        CLAUDE_CACHE_STORAGE_DIR: path.join(scratch, 'storage'),
        CLAUDE_CACHE_USER_SETTINGS: path.join(scratch, 'no-user-settings.json'),
      },
    };
    const cli = path.join(outdir, 'cli.js');
    const run = ['run', 'review-file', '--file', 'src/sum.ts'];
    await timeProcess(process.execPath, [cli, ...run], options);
    const callsAfterFill = fake.calls;
    const node: number[] = [];
    const help: number[] = [];
    const workflows: number[] = [];
    const cachedRun: number[] = [];
    // A warm-up round, not counted: the first start of each reads the files from disk and writes its code cache.
    for (let round = -1; round < rounds; round++) {
      const times = [
        await timeProcess(process.execPath, ['-e', '0'], options),
        await timeProcess(process.execPath, [cli, '--help'], options),
        await timeProcess(process.execPath, [cli, 'workflows'], options),
        await timeProcess(process.execPath, [cli, ...run], options),
      ];
      if (round < 0) continue;
      node.push(times[0] as number);
      help.push(times[1] as number);
      workflows.push(times[2] as number);
      cachedRun.push(times[3] as number);
    }
    if (fake.calls !== callsAfterFill) throw new Error(`cli timing: the timed runs called the API ${fake.calls - callsAfterFill} times (not hits)`);
    const medianRatio = (values: readonly number[]) => median(values.map((value, index) => value / (node[index] as number)));
    return {
      node: summarize(node),
      help: summarize(help),
      workflows: summarize(workflows),
      cachedRun: summarize(cachedRun),
      cachedRunOverNode: medianRatio(cachedRun),
      helpOverNode: medianRatio(help),
    };
  } finally {
    await fake.close();
  }
}

function summarize(values: readonly number[]): LatencySummary {
  const recorder = new Recorder();
  for (const value of values) {
    recorder.histogram.record(Math.max(1, Math.round(value)));
    recorder.addRound(value, 1, 1, 0);
  }
  return recorder.summary();
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
