import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Usage } from '../../../../src/core/claude/usage';
import { ManualClock } from '../../../../src/core/clock';
import type { CacheError } from '../../../../src/core/errors';
import {
  addSnapshots,
  CostLedger,
  emptySnapshot,
  JsonFileLedgerPersistence,
  LedgerLockTimeoutError,
  LedgerPersistError,
  localDayOf,
  parseLedgerSnapshot,
  withLedgerFileLock,
  type LedgerPersistence,
  type LedgerSnapshot,
} from '../../../../src/core/cost';
import { deferred } from '../../../helpers/deferred';

/** Sonnet 5.5 output is $10 per million tokens: 100,000 output tokens cost exactly $1. */
function dollars(amount: number): { model: string; usage: Usage } {
  return {
    model: 'claude-sonnet-5-5',
    usage: { inputTokens: 0, outputTokens: amount * 100_000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
  };
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

/** 23:59 local time on 21 November 2026, whatever the machine's time zone. */
const BEFORE_MIDNIGHT = new Date(2026, 10, 21, 23, 59).getTime();

describe('CostLedger shared by processes (one JSON file)', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-sharing-'));
    file = join(dir, 'ledger.json');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const open = (clock: ManualClock, extra: { onProblem?: (problem: CacheError) => void } = {}) =>
    CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), clock, ...extra });

  it('adds up two ledgers on one file instead of keeping the last writer', async () => {
    const clock = new ManualClock(BEFORE_MIDNIGHT - 60 * 60_000);
    const editor = await open(clock);
    const cli = await open(clock);
    editor.recordUpstreamCall({ ...dollars(1), workflow: 'review-file' });
    cli.recordUpstreamCall({ ...dollars(2), workflow: 'review-file' });
    cli.recordUpstreamCall({ ...dollars(0.5), workflow: 'write-tests' });
    await Promise.all([editor.flush(), cli.flush()]);
    editor.recordAvoidedCall(0.25);
    await editor.flush();

    const reopened = await open(clock);
    near(reopened.totals().spentUsd, 3.5, 'spent by both');
    assert.equal(reopened.totals().upstreamCalls, 3);
    assert.equal(reopened.totals().avoidedCalls, 1);
    near(reopened.spentToday(), 3.5, 'today');
    near(reopened.spentToday('review-file'), 3, 'review-file today');
    near(reopened.spentToday('write-tests'), 0.5, 'write-tests today');
    assert.equal(reopened.spentToday('explain-selection'), 0);
  });

  it("sees another process's spend after refresh, without counting its own twice", async () => {
    const clock = new ManualClock(BEFORE_MIDNIGHT - 60 * 60_000);
    const editor = await open(clock);
    const cli = await open(clock);
    editor.recordUpstreamCall({ ...dollars(1), workflow: 'a' });
    await editor.flush();
    cli.recordUpstreamCall({ ...dollars(2), workflow: 'a' });
    await cli.flush();
    near(editor.spentToday(), 1, 'before refresh: only its own');
    await editor.refresh();
    near(editor.spentToday(), 3, 'after refresh: both');
    await editor.refresh();
    near(editor.spentToday('a'), 3, 'a second refresh changes nothing');
    editor.recordUpstreamCall({ ...dollars(1), workflow: 'a' });
    near(editor.spentToday('a'), 4, 'an unsaved change counts at once');
    await editor.flush();
  });

  it('loses no spend when many saves from two ledgers interleave', async () => {
    const clock = new ManualClock(BEFORE_MIDNIGHT - 60 * 60_000);
    const [one, two] = await Promise.all([open(clock), open(clock)]);
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      (i % 2 === 0 ? one : two).recordUpstreamCall({ ...dollars(0.1), workflow: 'w' });
      saves.push((i % 2 === 0 ? one : two).flush());
    }
    await Promise.all(saves);
    const stored = parseLedgerSnapshot(JSON.parse(await readFile(file, 'utf8')));
    assert.ok(typeof stored !== 'string');
    assert.equal(stored.totals.upstreamCalls, 20);
    near(stored.totals.spentUsd, 2, 'spent');
    assert.deepEqual((await readdir(dir)).sort(), ['ledger.json', 'ledger.json.backup'], 'no lock or temporary file is left behind');
  });

  it('starts a new day at local midnight and keeps the day before', async () => {
    const clock = new ManualClock(BEFORE_MIDNIGHT);
    const ledger = await open(clock);
    ledger.recordUpstreamCall({ ...dollars(1), workflow: 'review-file' });
    near(ledger.spentToday('review-file'), 1, 'at 23:59');
    clock.advance(2 * 60_000);
    assert.equal(ledger.spentToday(), 0, 'at 00:01 the day starts from zero');
    assert.equal(ledger.spentToday('review-file'), 0);
    ledger.recordUpstreamCall({ ...dollars(0.5), workflow: 'review-file' });
    await ledger.flush();
    const days = (await open(clock)).workflowDailyCosts();
    assert.deepEqual(
      days.map((day) => [day.day, day.byWorkflow['review-file']]),
      [
        ['2026-11-21', 1],
        ['2026-11-22', 0.5],
      ],
    );
  });

  it('keeps the last 31 days of per-workflow spend', async () => {
    const clock = new ManualClock(new Date(2026, 0, 1, 12).getTime());
    const ledger = await open(clock);
    for (let day = 0; day < 40; day++) {
      ledger.recordUpstreamCall({ ...dollars(0.01), workflow: 'w' });
      clock.advance(24 * 60 * 60_000);
    }
    await ledger.flush();
    const days = (await open(clock)).workflowDailyCosts();
    assert.equal(days.length, 31);
    assert.equal(days.at(-1)?.day, localDayOf(clock.now() - 24 * 60 * 60_000));
    assert.equal((await open(clock)).totals().upstreamCalls, 40, 'totals keep everything');
  });

  it('counts calls outside a workflow in the day only, and unknown prices in neither', async () => {
    const clock = new ManualClock(BEFORE_MIDNIGHT - 60_000);
    const ledger = await open(clock);
    ledger.recordUpstreamCall(dollars(1));
    ledger.recordUpstreamCall({ model: 'claude-mythos-preview', usage: dollars(1).usage, workflow: 'w' });
    near(ledger.spentToday(), 1, 'day');
    assert.equal(ledger.spentToday('w'), 0);
    await ledger.flush();
  });

  it('reads a ledger written before budgets existed, and refuses a malformed workflow day', () => {
    const old = { version: 1, totals: emptySnapshot().totals, days: [] };
    const parsed = parseLedgerSnapshot(old);
    assert.ok(typeof parsed !== 'string');
    assert.deepEqual(parsed.workflowDays, []);
    assert.match(String(parseLedgerSnapshot({ ...old, workflowDays: {} })), /not a list/);
    assert.match(String(parseLedgerSnapshot({ ...old, workflowDays: [{ day: 'today' }] })), /malformed/);
    assert.match(String(parseLedgerSnapshot({ ...old, workflowDays: [{ day: '2026-11-22', spentUsd: 1 }] })), /malformed/);
    assert.match(
      String(parseLedgerSnapshot({ ...old, workflowDays: [{ day: '2026-11-22', spentUsd: 1, byWorkflow: { w: 'lots' } }] })),
      /w is not a number/,
    );
  });

  it('keeps changes whose merge failed and saves them with the next one', async () => {
    class FlakyMerge implements LedgerPersistence {
      stored: LedgerSnapshot = emptySnapshot();
      fail = true;
      async load() {
        return this.stored;
      }
      async save(snapshot: LedgerSnapshot) {
        this.stored = snapshot;
      }
      async merge(delta: LedgerSnapshot) {
        if (this.fail) throw new Error('disk full');
        this.stored = addSnapshots(this.stored, delta, { days: 400, workflowDays: 31 });
        return this.stored;
      }
    }
    const persistence = new FlakyMerge();
    const problems: CacheError[] = [];
    const ledger = await CostLedger.open({ persistence, onProblem: (problem) => problems.push(problem) });
    ledger.recordUpstreamCall({ ...dollars(1), workflow: 'w' });
    await ledger.flush();
    assert.ok(problems[0] instanceof LedgerPersistError);
    near(ledger.spentToday('w'), 1, 'still counted in memory');
    persistence.fail = false;
    ledger.recordUpstreamCall({ ...dollars(2), workflow: 'w' });
    await ledger.flush();
    near(persistence.stored.totals.spentUsd, 3, 'both changes reached the store');
    await ledger.refresh();
    near(ledger.spentToday('w'), 3, 'and are not counted twice');
  });

  it('reports a ledger that cannot be re-read on refresh and keeps its figures', async () => {
    const clock = new ManualClock(BEFORE_MIDNIGHT - 60_000);
    const problems: CacheError[] = [];
    const ledger = await open(clock, { onProblem: (problem) => problems.push(problem) });
    ledger.recordUpstreamCall({ ...dollars(1), workflow: 'w' });
    await ledger.flush();
    await writeFile(file, 'not json');
    await ledger.refresh();
    // Restored from the backup every save writes, and said so.
    assert.equal(problems[0]?.code, 'E_LEDGER_RESTORED');
    near(ledger.spentToday('w'), 1, 'kept');
  });

  it('resets every process\'s figures in the file', async () => {
    const clock = new ManualClock(BEFORE_MIDNIGHT - 60_000);
    const [one, two] = await Promise.all([open(clock), open(clock)]);
    one.recordUpstreamCall({ ...dollars(1), workflow: 'w' });
    two.recordUpstreamCall({ ...dollars(1), workflow: 'w' });
    await Promise.all([one.flush(), two.flush()]);
    await one.reset();
    await two.refresh();
    assert.equal(two.spentToday(), 0);
    assert.equal(two.totals().upstreamCalls, 0);
  });
});

describe('withLedgerFileLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs one holder at a time', async () => {
    const file = join(dir, 'ledger.json');
    const order: string[] = [];
    const firstInside = deferred<void>();
    const firstMayLeave = deferred<void>();
    const first = withLedgerFileLock(file, async () => {
      order.push('first in');
      firstInside.resolve();
      await firstMayLeave.promise;
      order.push('first out');
    });
    await firstInside.promise;
    let waits = 0;
    const second = withLedgerFileLock(
      file,
      async () => {
        order.push('second in');
        // Only reached with the first still inside if the lock let both in: the order below then shows it.
        firstMayLeave.resolve();
        order.push('second out');
      },
      {
        // The second found the lock held and waits: now the first may leave. Each wait only yields to the I/O.
        pause: async () => {
          waits += 1;
          firstMayLeave.resolve();
          await new Promise((resolve) => setImmediate(resolve));
        },
      },
    );
    await Promise.all([first, second]);
    assert.deepEqual(order, ['first in', 'first out', 'second in', 'second out']);
    assert.ok(waits > 0, 'the second waited for the first');
  });

  it('gives up on a lock held too long, with the lock file named', async () => {
    const file = join(dir, 'ledger.json');
    // Held by a process that is alive (this one): a lock of a dead process would be taken over at once.
    await writeFile(`${file}.lock`, String(process.pid));
    await assert.rejects(withLedgerFileLock(file, async () => 'never', { timeoutMs: 30 }), (error: unknown) => {
      assert.ok(error instanceof LedgerLockTimeoutError);
      assert.equal(error.code, 'E_LEDGER_LOCK_TIMEOUT');
      assert.match(error.message, /ledger\.json\.lock stayed locked for 30 ms/);
      return true;
    });
  });

  it('takes over a lock left behind by a process that died', async () => {
    const file = join(dir, 'ledger.json');
    await writeFile(`${file}.lock`, '12345');
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, longAgo, longAgo);
    assert.equal(await withLedgerFileLock(file, async () => 'ran'), 'ran');
  });
});
