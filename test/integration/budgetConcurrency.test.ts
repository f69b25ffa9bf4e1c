import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_OVER_BUDGET } from '../../src/cli/main';
import { CostLedger, JsonFileLedgerPersistence, parseReservations } from '../../src/core/cost';
import { buildCli, builtCliPath } from '../helpers/builtCli';
import { eventually } from '../helpers/eventually';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';

/**
 * An answer of about 3,000 output tokens (the double counts one per four characters): close to the 4,096 the
 * budget check assumes at worst, so a run's real cost is most of its reservation and overspending shows.
 */
const LONG_ANSWER = 'word '.repeat(2_400);

describe('Budgets under concurrent CLI runs', function () {
  this.timeout(180_000);
  let fake: FakeAnthropic;
  let root: string;
  let workspace: string;
  let storage: string;

  before(async () => {
    await buildCli();
    fake = await startFakeAnthropic({ responder: () => LONG_ANSWER });
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    fake.reset();
    fake.setLatency(0);
    root = await mkdtemp(join(tmpdir(), 'budget-concurrency-'));
    workspace = join(root, 'workspace');
    storage = join(root, 'storage');
    await mkdir(join(workspace, '.vscode'), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** The cap, and calls of at most 4,096 output tokens, so a worst case is a known size. */
  const setCap = (dailyUsd: number) =>
    writeFile(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'claudeCache.budget.dailyUsd': dailyUsd, 'claudeCache.maxTokens': 4096 }));
  const env = () => ({
    PATH: process.env.PATH ?? '',
    HOME: root,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: fake.url,
    CLAUDE_CACHE_STORAGE_DIR: storage,
  });
  const args = (selection: string) => [builtCliPath, 'run', 'explain-selection', '--selection', selection, '--workspace', workspace];

  /** Runs the built CLI to its end; resolves with its exit code whatever it is. */
  const runCli = (selection: string) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, args(selection), { cwd: root, env: env() }, (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stderr });
      });
    });

  const spentToday = async () => (await CostLedger.open({ persistence: new JsonFileLedgerPersistence(join(storage, 'ledger.json')) })).spentToday();
  const reservations = async () =>
    parseReservations(await readFile(join(storage, 'ledger.json.reservations'), 'utf8').catch(() => '{}'));

  it('12 runs started at once never spend more than the daily cap; the rest exit over budget', async () => {
    // A worst case is about $0.042 (4,096 output tokens at $10 per million, plus the prompt): room for three.
    const cap = 0.15;
    await setCap(cap);
    // Every request waits a moment at the double, so all twelve are checked while calls are under way.
    fake.setLatency(500);
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => runCli(`const v${i} = ${i};`)));
    const codes = runs.map((run) => run.code);
    for (const run of runs) assert.ok(run.code === 0 || run.code === EXIT_OVER_BUDGET, `exit ${run.code}: ${run.stderr}`);
    const spent = await spentToday();
    assert.ok(spent <= cap, `spent $${spent} of a $${cap} cap (exit codes ${codes.join(' ')})`);
    assert.ok(codes.filter((code) => code === 0).length >= 3, `three calls fit (exit codes ${codes.join(' ')})`);
    assert.ok(codes.includes(EXIT_OVER_BUDGET), `some runs were refused (exit codes ${codes.join(' ')})`);
    assert.equal(fake.usages.length, codes.filter((code) => code === 0).length, 'only the runs that passed called Claude');
    assert.deepEqual(await reservations(), [], 'every reservation was settled');
  });

  it("stops counting the reservation of a run that was killed mid-call", async () => {
    // Room for one call only: the killed run's reservation would refuse the next run for good.
    await setCap(0.06);
    fake.hangNext();
    const doomed = spawn(process.execPath, args('const killed = 1;'), { cwd: root, env: env(), stdio: 'ignore' });
    const exited = new Promise((resolve) => doomed.once('exit', resolve));
    await eventually(async () => (await reservations()).length === 1, 'the first run reserved its worst case');
    // Killed once its call hangs at the double, not before it got there (the hang would take the next call).
    await eventually(() => fake.calls === 1, 'the first run called Claude');
    assert.equal((await reservations())[0]?.owner.pid, doomed.pid);
    doomed.kill('SIGKILL');
    await exited;

    const next = await runCli('const next = 2;');
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(await reservations(), [], 'the orphan was dropped and the new one settled');
  });
});
