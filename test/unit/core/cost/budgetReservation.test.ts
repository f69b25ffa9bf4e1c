import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetExceededError, reserveWithinBudget } from '../../../../src/core/budget';
import { ManualClock } from '../../../../src/core/clock';
import { CostLedger, JsonFileLedgerPersistence, parseReservations, type BudgetReservation } from '../../../../src/core/cost';

/** Sonnet 5.5 output is $10 per million tokens: 100,000 output tokens cost exactly $1. */
function spend(amount: number) {
  return { inputTokens: 0, outputTokens: amount * 100_000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };
}

const CAPS = { dailyUsd: 3.5, perWorkflowUsd: 0 };

describe('Budget reservations in the shared ledger', () => {
  let dir: string;
  let file: string;
  let clock: ManualClock;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reservations-'));
    file = join(dir, 'ledger.json');
    clock = new ManualClock(Date.UTC(2026, 11, 6, 12));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** One process's view of the ledger file; several of these stand for several processes. */
  const openLedger = () =>
    CostLedger.open({ clock, persistence: new JsonFileLedgerPersistence(file, { now: () => clock.now() }) });
  const claim = (ledger: CostLedger, workflow = 'explain') =>
    reserveWithinBudget(ledger, { caps: CAPS, workflow, model: 'claude-sonnet-5-5', estimateUsd: 1 });
  const stored = async (): Promise<BudgetReservation[]> => parseReservations(await readFile(`${file}.reservations`, 'utf8'));

  it('counts reservations as spent: of ledgers checking at once, only as many as the cap holds get one', async () => {
    const ledgers = await Promise.all(Array.from({ length: 8 }, () => openLedger()));
    const outcomes = await Promise.all(ledgers.map((ledger) => claim(ledger)));
    const granted = outcomes.filter((outcome) => outcome.reservation !== undefined);
    assert.equal(granted.length, 3, 'a $3.50 cap holds three $1 worst cases');
    for (const refused of outcomes.filter((outcome) => outcome.reservation === undefined)) {
      assert.ok(refused.problem instanceof BudgetExceededError);
      assert.equal(refused.problem.scope, 'daily');
      assert.equal(refused.problem.spentUsd, 3, 'the reserved dollars count as spent');
    }
    assert.equal((await stored()).length, 3);
  });

  it('settles: the real cost replaces the reservation, freeing what the worst case held beyond it', async () => {
    const [a, b] = [await openLedger(), await openLedger()];
    const reservations = await Promise.all([claim(a), claim(a), claim(a)]);
    assert.ok(reservations.every((outcome) => outcome.reservation));
    assert.equal((await claim(b)).reservation, undefined, 'full');

    a.recordUpstreamCall({ model: 'claude-sonnet-5-5', usage: spend(0.25), workflow: 'explain' });
    a.release(reservations[0]!.reservation!);
    await a.flush();
    assert.equal((await stored()).length, 2);
    const next = await claim(b);
    assert.ok(next.reservation, '$0.25 booked + $2 reserved leaves room for one more $1');
    assert.ok(Math.abs(b.spentToday() - 0.25) < 1e-9, 'the real cost was booked once');
  });

  it('releases a failed call without booking anything', async () => {
    const ledger = await openLedger();
    const { reservation } = await claim(ledger);
    ledger.release(reservation!);
    await ledger.flush();
    assert.deepEqual(await stored(), []);
    assert.equal(ledger.spentToday(), 0);
    assert.equal(ledger.totals().upstreamCalls, 0);
  });

  it('keeps a release that could not be saved, and saves it with the next change', async () => {
    const ledger = await openLedger();
    const { reservation } = await claim(ledger);
    const persistence = new JsonFileLedgerPersistence(file);
    const failing = await CostLedger.open({ clock, persistence });
    // Stand-in for a failing disk: the second ledger's first merge throws, its next one works.
    const merge = persistence.merge.bind(persistence);
    let fail = true;
    persistence.merge = (delta, release) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error('disk full'));
      }
      return merge(delta, release);
    };
    const problems: string[] = [];
    failing.on('problem', (problem) => problems.push(problem.code));
    failing.release(reservation!);
    await failing.flush();
    assert.deepEqual(problems, ['E_LEDGER_PERSIST']);
    assert.equal((await stored()).length, 1, 'not released yet');
    failing.recordAvoidedCall(0.1);
    await failing.flush();
    assert.deepEqual(await stored(), []);
  });

  it('stops counting a reservation past its deadline, although its owner lives', async () => {
    const ledger = await CostLedger.open({
      clock,
      reservationTtlMs: 60_000,
      persistence: new JsonFileLedgerPersistence(file, { now: () => clock.now() }),
    });
    await Promise.all([claim(ledger), claim(ledger), claim(ledger)]);
    assert.equal((await claim(ledger)).reservation, undefined);
    clock.advance(60_001);
    assert.ok((await claim(ledger)).reservation, 'the three expired');
    assert.equal((await stored()).length, 1, 'and were dropped from the file');
  });

  it('stops counting the reservation of a process that is gone', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid as number;
    await new Promise((resolve) => child.once('exit', resolve));
    const orphan: BudgetReservation = { id: 'orphan', workflow: 'explain', amountUsd: 3, owner: { pid }, expiresAt: clock.now() + 3_600_000 };
    await writeFile(`${file}.reservations`, JSON.stringify({ version: 1, reservations: [orphan] }));
    const ledger = await openLedger();
    const { reservation, problem } = await claim(ledger);
    assert.equal(problem, undefined);
    assert.ok(reservation);
    assert.deepEqual((await stored()).map((entry) => entry.id), [reservation.id]);
  });

  it('counts a live reservation of another process by its start time, not its pid alone', async () => {
    // Our own pid with another start time: a pid the kernel handed on to a new process.
    const reused: BudgetReservation = { id: 'reused', workflow: 'explain', amountUsd: 3, owner: { pid: process.pid, startedAt: '1' }, expiresAt: clock.now() + 3_600_000 };
    await writeFile(`${file}.reservations`, JSON.stringify({ version: 1, reservations: [reused] }));
    const ledger = await openLedger();
    const outcome = await claim(ledger);
    if (process.platform === 'linux') assert.ok(outcome.reservation, 'the start time tells the processes apart');
    else assert.ok(outcome.problem);
  });

  it('counts reservations per workflow against the per-workflow cap', async () => {
    const ledger = await openLedger();
    const perWorkflow = { dailyUsd: 0, perWorkflowUsd: 1.5 };
    const take = (workflow: string) => reserveWithinBudget(ledger, { caps: perWorkflow, workflow, model: 'claude-sonnet-5-5', estimateUsd: 1 });
    assert.ok((await take('a')).reservation);
    const refused = await take('a');
    assert.equal(refused.problem?.scope, 'workflow');
    assert.ok((await take('b')).reservation, 'another workflow has its own cap');
  });

  it('reserves when forced over the cap, so other runs still see the call', async () => {
    const ledger = await openLedger();
    await Promise.all([claim(ledger), claim(ledger), claim(ledger)]);
    const forced = await reserveWithinBudget(ledger, { caps: CAPS, workflow: 'explain', model: 'claude-sonnet-5-5', estimateUsd: 1, force: true });
    assert.equal(forced.problem, undefined);
    assert.ok(forced.reservation);
    assert.equal((await stored()).length, 4);
  });

  it('holds reservations within one process when the ledger is not shared', async () => {
    const ledger = new CostLedger({ clock });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => claim(ledger)));
    assert.equal(outcomes.filter((outcome) => outcome.reservation).length, 3);
    ledger.release(outcomes.find((outcome) => outcome.reservation)!.reservation!);
    assert.ok((await claim(ledger)).reservation);
  });

  it('reads a damaged reservations file as none', () => {
    assert.deepEqual(parseReservations('{"version":1,"reservations":[{"id":'), []);
    assert.deepEqual(parseReservations('{"version":1,"reservations":[{"id":"x"}]}'), []);
  });
});
