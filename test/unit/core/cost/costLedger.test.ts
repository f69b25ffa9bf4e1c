import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Usage } from '../../../../src/core/claude/usage';
import { ManualClock } from '../../../../src/core/clock';
import type { CacheError } from '../../../../src/core/errors';
import { CostLedger, dayOf } from '../../../../src/core/cost/costLedger';
import { LedgerCorruptError, LedgerPersistError } from '../../../../src/core/cost/errors';
import { JsonFileLedgerPersistence } from '../../../../src/core/cost/jsonFileLedgerPersistence';
import type { LedgerPersistence } from '../../../../src/core/cost/ledgerPersistence';
import { emptyTotals, type LedgerSnapshot, type LedgerTotals } from '../../../../src/core/cost/ledgerSnapshot';

function usage(partial: Partial<Usage>): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, ...partial };
}

function assertDollars(actual: number, expected: number, what = 'dollars'): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);
}

/** Sonnet 5.5 ($2 in, $10 out, $4 1h write, $0.10 read): first call writes a 2490-token prefix for 1h. */
const COLD_CALL = { model: 'claude-sonnet-5-5', usage: usage({ inputTokens: 6, outputTokens: 12, cacheWrite1hTokens: 2490 }) };
// cost = 6*2 + 12*10 + 2490*4 = 10092 micro-dollars; provider saving = -(2490 * (4 - 2)) = -4980 micro-dollars
/** The same request again: the prefix is read from the provider cache. */
const WARM_CALL = { model: 'claude-sonnet-5-5', usage: usage({ inputTokens: 6, outputTokens: 12, cacheReadTokens: 2490 }) };
// cost = 6*2 + 12*10 + 2490*0.1 = 381 micro-dollars; provider saving = 2490 * (2 - 0.1) = 4731 micro-dollars

class MemoryPersistence implements LedgerPersistence {
  saved: LedgerSnapshot | undefined;
  saves = 0;
  failSaves = false;
  async load(): Promise<LedgerSnapshot | undefined> {
    return this.saved;
  }
  async save(snapshot: LedgerSnapshot): Promise<void> {
    this.saves += 1;
    if (this.failSaves) throw new Error('disk full');
    this.saved = structuredClone(snapshot);
  }
}

describe('CostLedger', () => {
  it('records an upstream call: dollars spent and what the provider cache saved or cost', () => {
    const ledger = new CostLedger();
    const cold = ledger.recordUpstreamCall(COLD_CALL);
    assertDollars(cold.costUsd as number, 0.010092);
    assertDollars(cold.providerCacheSavingUsd as number, -0.00498);
    const warm = ledger.recordUpstreamCall(WARM_CALL);
    assertDollars(warm.costUsd as number, 0.000381);
    assertDollars(warm.providerCacheSavingUsd as number, 0.004731);

    const totals = ledger.totals();
    assertDollars(totals.spentUsd, 0.010092 + 0.000381, 'spent');
    assertDollars(totals.savedByProviderCacheUsd, -0.00498 + 0.004731, 'provider saving'); // -249 micro-dollars
    assertDollars(totals.savedUsd, -0.000249, 'saved');
    assert.equal(totals.upstreamCalls, 2);
    assert.equal(totals.avoidedCalls, 0);
  });

  it('records a local cache hit at what the original call cost', () => {
    const ledger = new CostLedger();
    const { costUsd } = ledger.recordUpstreamCall(WARM_CALL);
    ledger.recordAvoidedCall(costUsd);
    ledger.recordAvoidedCall(0.25);
    const totals = ledger.totals();
    assertDollars(totals.savedByLocalHitsUsd, 0.000381 + 0.25, 'local');
    // saved = local hits + provider cache = 0.250381 + 0.004731
    assertDollars(totals.savedUsd, 0.250381 + 0.004731, 'saved');
    assert.equal(totals.avoidedCalls, 2);
  });

  it('counts an unknown model as unknown cost, never as zero dollars', () => {
    const ledger = new CostLedger();
    const recorded = ledger.recordUpstreamCall({ model: 'claude-mythos-preview', usage: usage({ inputTokens: 1e6 }) });
    assert.deepEqual(recorded, { costUsd: 'unknown', providerCacheSavingUsd: 'unknown' });
    ledger.recordAvoidedCall('unknown');
    assert.equal(ledger.costOf('claude-mythos-preview', usage({})), 'unknown');
    assert.deepEqual(ledger.totals(), {
      spentUsd: 0,
      savedUsd: 0,
      savedByLocalHitsUsd: 0,
      savedByProviderCacheUsd: 0,
      upstreamCalls: 1,
      avoidedCalls: 1,
      unknownCostCalls: 2,
    });
  });

  it('prices a model the overrides add', () => {
    const ledger = new CostLedger({
      priceOverrides: { 'proxy-model': { input: 1, output: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1 } },
    });
    assertDollars(ledger.costOf('proxy-model', usage({ inputTokens: 500_000, outputTokens: 500_000 })) as number, 1);
    ledger.setPriceOverrides(undefined);
    assert.equal(ledger.costOf('proxy-model', usage({ inputTokens: 1 })), 'unknown');
  });

  it('emits the new totals on every change', () => {
    const ledger = new CostLedger();
    const seen: LedgerTotals[] = [];
    const off = ledger.on('change', (totals) => seen.push(totals));
    ledger.recordUpstreamCall(WARM_CALL);
    ledger.recordAvoidedCall(0.5);
    off();
    ledger.recordAvoidedCall(0.5);
    assert.equal(seen.length, 2);
    assert.equal(seen[0]?.upstreamCalls, 1);
    assert.equal(seen[1]?.avoidedCalls, 1);
  });

  it('keeps spend per UTC day for budgets', () => {
    const clock = new ManualClock(Date.parse('2026-11-20T23:59:00Z'));
    const ledger = new CostLedger({ clock });
    ledger.recordUpstreamCall(COLD_CALL);
    clock.advance(2 * 60_000); // past midnight UTC
    ledger.recordUpstreamCall(WARM_CALL);
    ledger.recordAvoidedCall(0.1);
    assertDollars(ledger.spentOn('2026-11-20'), 0.010092);
    assertDollars(ledger.spentOn(), 0.000381);
    assert.equal(ledger.spentOn('2020-01-01'), 0);
    const days = ledger.dailyCosts();
    assert.deepEqual(days.map((d) => d.day), ['2026-11-20', '2026-11-21']);
    assert.equal(days[1]?.upstreamCalls, 1);
    assert.equal(days[1]?.avoidedCalls, 1);
    assertDollars(days[1]?.savedUsd ?? NaN, 0.004731 + 0.1);
    assert.equal(dayOf(Date.parse('2026-01-02T00:00:00Z')), '2026-01-02');
  });

  it('forgets the oldest days beyond keepDays', () => {
    const clock = new ManualClock(Date.parse('2026-01-01T12:00:00Z'));
    const ledger = new CostLedger({ clock, keepDays: 2 });
    for (let i = 0; i < 3; i++) {
      ledger.recordAvoidedCall(1);
      clock.advance(24 * 60 * 60_000);
    }
    assert.deepEqual(ledger.dailyCosts().map((d) => d.day), ['2026-01-02', '2026-01-03']);
    assert.equal(ledger.totals().avoidedCalls, 3, 'totals keep everything');
  });

  it('resets to zero and saves the empty ledger', async () => {
    const persistence = new MemoryPersistence();
    const ledger = await CostLedger.open({ persistence });
    ledger.recordUpstreamCall(COLD_CALL);
    await ledger.reset();
    assert.equal(ledger.totals().spentUsd, 0);
    assert.equal(ledger.dailyCosts().length, 0);
    assert.equal(persistence.saved?.totals.upstreamCalls, 0);
  });

  it('folds changes made during a save into one more save', async () => {
    const persistence = new MemoryPersistence();
    const ledger = await CostLedger.open({ persistence });
    for (let i = 0; i < 50; i++) ledger.recordAvoidedCall(0.01);
    await ledger.flush();
    assert.ok(persistence.saves < 50, `saves were not folded: ${persistence.saves}`);
    assert.equal(persistence.saved?.totals.avoidedCalls, 50);
  });

  it('reports a failed save and keeps counting in memory', async () => {
    const persistence = new MemoryPersistence();
    persistence.failSaves = true;
    const problems: CacheError[] = [];
    const ledger = await CostLedger.open({ persistence, onProblem: (p) => problems.push(p) });
    ledger.recordAvoidedCall(2);
    await ledger.flush();
    assert.equal(ledger.totals().savedByLocalHitsUsd, 2);
    assert.ok(problems[0] instanceof LedgerPersistError);
    assert.equal(problems[0]?.code, 'E_LEDGER_PERSIST');
    assert.match(problems[0]?.message ?? '', /disk full/);
  });
});

describe('CostLedger with JsonFileLedgerPersistence', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cost-ledger-'));
    file = join(dir, 'nested', 'ledger.json');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts from zero when there is no file yet', async () => {
    const ledger = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file) });
    assert.equal(ledger.totals().upstreamCalls, 0);
  });

  it('keeps totals and per-day spend across a reopen', async () => {
    const clock = new ManualClock(Date.parse('2026-11-20T10:00:00Z'));
    const first = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), clock });
    first.recordUpstreamCall(COLD_CALL);
    first.recordUpstreamCall(WARM_CALL);
    first.recordAvoidedCall(0.000381);
    first.recordUpstreamCall({ model: 'unknown-model', usage: usage({}) });
    await first.flush();

    const reopened = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), clock });
    assert.deepEqual(reopened.totals(), first.totals());
    assertDollars(reopened.spentOn('2026-11-20'), 0.010092 + 0.000381);
    assert.equal(reopened.totals().unknownCostCalls, 1);

    reopened.recordAvoidedCall(1);
    assert.equal(reopened.totals().avoidedCalls, 2, 'counting continues from the stored totals');
    await reopened.flush();
  });

  it('writes through a temporary file and leaves only the ledger and its backup behind', async () => {
    const ledger = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file) });
    ledger.recordUpstreamCall(COLD_CALL);
    ledger.recordAvoidedCall(1);
    await ledger.flush();
    assert.deepEqual((await readdir(join(dir, 'nested'))).sort(), ['ledger.json', 'ledger.json.backup']);
    const stored = JSON.parse(await readFile(file, 'utf8')) as LedgerSnapshot;
    assert.equal(stored.version, 1);
    assert.equal(stored.totals.savedByLocalHitsUsd, 1);
    assertDollars((JSON.parse(await readFile(`${file}.backup`, 'utf8')) as LedgerSnapshot).totals.spentUsd, 0.010092);
  });

  it('with holdSavingsUntilFlush, saves savings when flushed and spend at once', async () => {
    const ledger = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), holdSavingsUntilFlush: true });
    ledger.recordAvoidedCall(1);
    await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(readFile(file, 'utf8'), { code: 'ENOENT' }, 'savings wait for the flush');
    ledger.recordUpstreamCall(COLD_CALL);
    const other = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file) });
    await ledger.flush();
    await other.refresh();
    assert.equal(other.totals().upstreamCalls, 1);
    assert.equal(other.totals().avoidedCalls, 1, 'held savings go out with the spend or the flush');
    ledger.recordAvoidedCall(2);
    await ledger.flush();
    await other.refresh();
    assert.equal(other.totals().avoidedCalls, 2);
  });

  it('saves savings alone without the backup; a damaged file comes back from it with all the spend', async () => {
    const problems: CacheError[] = [];
    const ledger = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file) });
    ledger.recordUpstreamCall(COLD_CALL);
    await ledger.flush();
    const backup = await readFile(`${file}.backup`, 'utf8');
    ledger.recordAvoidedCall(1);
    await ledger.flush();
    assert.equal(await readFile(`${file}.backup`, 'utf8'), backup, 'a hit alone leaves the backup as it was');
    assert.equal((JSON.parse(await readFile(file, 'utf8')) as LedgerSnapshot).totals.avoidedCalls, 1);
    // What a crash before the file reached the disk can leave: an empty file.
    await writeFile(file, '');
    const reopened = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), onProblem: (problem) => problems.push(problem) });
    assertDollars(reopened.totals().spentUsd, 0.010092);
    assert.equal(reopened.totals().upstreamCalls, 1);
    assert.equal(problems.length, 1, 'the restore is reported');
  });

  it('reports a corrupt file, keeps it aside and starts over', async () => {
    await mkdir(join(dir, 'nested'), { recursive: true });
    await writeFile(file, '{"version":1,"totals":{"spentUsd":', 'utf8');
    const problems: CacheError[] = [];
    const ledger = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), onProblem: (p) => problems.push(p) });

    assert.equal(ledger.totals().spentUsd, 0);
    const problem = problems[0];
    assert.ok(problem instanceof LedgerCorruptError);
    assert.equal(problem.code, 'E_LEDGER_CORRUPT');
    assert.equal(problem.reason, 'not valid JSON');
    assert.ok(problem.movedTo);
    assert.equal(await readFile(problem.movedTo, 'utf8'), '{"version":1,"totals":{"spentUsd":');

    ledger.recordAvoidedCall(3);
    await ledger.flush();
    const reopened = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file) });
    assert.equal(reopened.totals().savedByLocalHitsUsd, 3);
  });

  it('treats valid JSON of the wrong shape as corrupt', async () => {
    await mkdir(join(dir, 'nested'), { recursive: true });
    const bad = [
      [{ version: 2 }, /unsupported version/],
      [{ version: 1, totals: { spentUsd: 'lots' }, days: [] }, /totals.spentUsd/],
      [[1, 2], /not a JSON object/],
      [{ version: 1, days: [] }, /totals missing/],
      [{ version: 1, totals: goodTotals({ upstreamCalls: -1 }), days: [] }, /upstreamCalls/],
      [{ version: 1, totals: goodTotals({}) }, /days missing/],
      [{ version: 1, totals: goodTotals({}), days: [{ day: 'yesterday' }] }, /day entry/],
    ] as const;
    for (const [content, reason] of bad) {
      await writeFile(file, JSON.stringify(content), 'utf8');
      const problems: CacheError[] = [];
      await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), onProblem: (p) => problems.push(p) });
      assert.ok(problems[0] instanceof LedgerCorruptError, JSON.stringify(content));
      assert.match((problems[0] as LedgerCorruptError).reason, reason);
    }
  });

  it('reports a ledger path it cannot read, without failing to open', async () => {
    await mkdir(file, { recursive: true }); // a directory where the file should be
    const problems: CacheError[] = [];
    const ledger = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), onProblem: (p) => problems.push(p) });
    assert.ok(problems[0] instanceof LedgerPersistError);
    ledger.recordAvoidedCall(1);
    await ledger.flush();
    assert.ok(problems[1] instanceof LedgerPersistError, 'the save into a directory fails and is reported');
    assert.equal(ledger.totals().avoidedCalls, 1);
  });
});

function goodTotals(overrides: Partial<LedgerTotals>): LedgerTotals {
  return { ...emptyTotals(), ...overrides };
}
