import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SurrealStore } from '../../src/core/stores/surreal/surrealStore';
import { seededRandom } from '../helpers/seededRandom';

const CHILD = join(__dirname, '..', 'helpers', 'surrealStressChild.ts');
/** Processes on the folder at once; each opens and closes it many times in its life. */
const AT_ONCE = 8;
/** A process lives this long after its first open, plus up to LIFE_SPREAD_MS. */
const LIFE_MS = 2_500;
const LIFE_SPREAD_MS = 3_000;
/** Past this, whatever still runs is killed (and the test shows what it printed). */
const HARD_STOP_MS = 30_000;
const LEAVING = ['close', 'exit', 'linger'] as const;

interface Run {
  name: string;
  process: ChildProcess;
  lines: string[];
  exited: Promise<void>;
}

/**
 * Many CLI-like processes on one storage folder, coming and going at random moments (closing properly, exiting
 * without closing, killed with SIGKILL): owners keep changing hands under them. Before the fix, a process that
 * reached an owner on its way out, then found the lock free and lost the race for it, took the folder for
 * damaged and moved it aside (`surreal.damaged-*`), dropping everything in it.
 */
describe('an embedded SurrealDB folder shared by processes that come and go', function () {
  this.timeout(60_000);
  let root: string;
  const runs: Run[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'surreal-stress-'));
  });

  afterEach(async () => {
    for (const run of runs.splice(0)) run.process.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  it('never moves the folder aside and keeps every value a process saw stored', async () => {
    const storage = join(root, 'storage');
    const url = `surrealkv://${join(storage, 'surreal')}`;
    // The folder and its indexes exist before the crowd comes, as they do after a first run.
    await (await SurrealStore.open({ url, cleanupIntervalMs: 0 })).close();
    const random = seededRandom(20261206);
    let started = 0;
    const start = (): Run => {
      const name = `p${started++}`;
      const leaving = LEAVING[Math.floor(random() * LEAVING.length)] ?? 'exit';
      const lifeMs = LIFE_MS + Math.floor(random() * LIFE_SPREAD_MS);
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, storage, name, String(lifeMs), leaving], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const lines: string[] = [];
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const complete = buffered.split('\n');
        buffered = complete.pop() ?? '';
        lines.push(...complete);
      });
      child.stderr?.on('data', (chunk: Buffer) => lines.push(`stderr ${chunk.toString().trim()}`));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // A lingering process is killed at a random moment once it has opened.
      if (leaving === 'linger') {
        const killAfter = 300 + Math.floor(random() * (LIFE_MS + LIFE_SPREAD_MS));
        const waitForOpen = setInterval(() => {
          if (lines.some((line) => line.startsWith('open '))) {
            clearInterval(waitForOpen);
            setTimeout(() => child.kill('SIGKILL'), killAfter);
          }
        }, 25);
        void exited.then(() => clearInterval(waitForOpen));
      }
      const run = { name, process: child, lines, exited };
      runs.push(run);
      return run;
    };

    for (let i = 0; i < AT_ONCE; i++) start();
    // Every process has had its time by then: none may hang on.
    const deadline = setTimeout(() => {
      for (const run of runs) run.process.kill('SIGKILL');
    }, HARD_STOP_MS);
    await Promise.all(runs.map((run) => run.exited));
    clearTimeout(deadline);

    const report = runs.map((run) => `${run.name}: ${run.lines.slice(0, 4).join(' | ')}`).join('\n');
    if (process.env.STRESS_DEBUG) console.log(report);
    assert.deepEqual((await readdir(storage).catch(() => [])).filter((entry) => entry.includes('damaged')), [], report);
    const moved = runs.flatMap((run) => run.lines.filter((line) => /moved it to|damaged/.test(line)));
    assert.deepEqual(moved, [], 'no process took the folder for damaged');
    const fatal = runs.flatMap((run) => run.lines.filter((line) => line.startsWith('fatal ')));
    assert.deepEqual(fatal, []);
    const durable = runs.flatMap((run) => run.lines.filter((line) => line.startsWith('durable ')).map((line) => line.slice('durable '.length)));
    const opens = runs.reduce((sum, run) => sum + run.lines.filter((line) => line.startsWith('open ')).length, 0);
    assert.ok(opens > 3 * AT_ONCE, `opens: ${opens}`);
    assert.ok(durable.length > 0, `some values were stored:\n${report}`);

    const store = await SurrealStore.open({ url, cleanupIntervalMs: 0 });
    try {
      const lost: string[] = [];
      for (const key of durable) {
        const found = await store.get('result', key);
        if (found === undefined || new TextDecoder().decode(found.value) !== `value of ${key}`) lost.push(key);
      }
      assert.deepEqual(lost, [], `of ${durable.length} values stored`);
    } finally {
      await store.close();
    }
  });
});
