import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../src/core/clock';
import { CostLedger } from '../../../../src/core/cost/costLedger';
import { JsonFileLedgerPersistence } from '../../../../src/core/cost/jsonFileLedgerPersistence';
import { withLedgerFileLock } from '../../../../src/core/cost/ledgerFileLock';
import type { CacheError } from '../../../../src/core/errors';
import { processStartTime, startTimeFromStat, stillRunning, thisProcess } from '../../../../src/core/io/processIdentity';
import { isDirectoryLockedFailure, reportedDirectoryDamage } from '../../../../src/core/stores/surreal/surrealConnectFailure';

/** A `sleep` that lives until the test kills it: a PID that is alive and belongs to no one of ours. */
async function sleeper(): Promise<{ child: ChildProcess; pid: number; startedAt: string }> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const pid = child.pid;
  assert.ok(pid !== undefined, 'sleep started');
  const startedAt = await processStartTime(pid);
  assert.ok(startedAt !== undefined, 'its start time is readable from /proc');
  return { child, pid, startedAt };
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** A pause that only counts: a lock taken over at once never waits. */
function countingPause(): { pause: (ms: number) => Promise<void>; waits: () => number } {
  let waits = 0;
  return {
    pause: async () => {
      waits += 1;
    },
    waits: () => waits,
  };
}

const CALL = {
  model: 'claude-sonnet-5-5',
  usage: { inputTokens: 1_000, outputTokens: 100, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
  workflow: 'w',
};

describe('process identity', () => {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map(killed));
  });

  it('reads field 22 of /proc/<pid>/stat, even when the command name holds spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, index) => String(index + 3));
    assert.equal(startTimeFromStat(`1234 (a (b) c) ${fields.join(' ')}`), '22');
    assert.equal(startTimeFromStat('garbage'), undefined);
  });

  it('knows this process, and tells a reused PID (same PID, another start time) from its writer', async () => {
    assert.equal(await stillRunning(await thisProcess()), true);
    const { child, pid, startedAt } = await sleeper();
    children.push(child);
    assert.equal(await stillRunning({ pid, startedAt }), true);
    assert.equal(await stillRunning({ pid, startedAt: String(Number(startedAt) + 1) }), false, 'a forged start time is another process');
    await killed(child);
    assert.equal(await stillRunning({ pid, startedAt }), false, 'a killed process is gone');
  });
});

describe('what an embedded open failure means', () => {
  const nested = (message: string): Error => new Error('surreal: cannot open surrealkv:///x: An unexpected connection error occurred', {
    cause: new Error('An unexpected connection error occurred', { cause: new Error(message) }),
  });

  it('takes only SurrealDB reporting its files unreadable for damage', () => {
    assert.match(reportedDirectoryDamage(nested('There was a problem with the datastore: Failed to load manifest: Unsupported manifest format version: 34099')) ?? '', /manifest/);
    assert.match(reportedDirectoryDamage(nested('There was a problem with the datastore: IO error: failed to fill whole buffer')) ?? '', /fill whole buffer/);
    assert.ok(reportedDirectoryDamage(nested('There was a problem with the key-value store: There was a problem with a transaction: SSTable error: checksum verification failed for block at 0')));
  });

  it('never takes a busy lock, a peer that does not answer or a timeout for damage', () => {
    const locked = nested('There was a problem with the datastore: Other error: Database at /x/LOCK is already locked by another process');
    assert.equal(isDirectoryLockedFailure(locked), true);
    assert.equal(reportedDirectoryDamage(locked), undefined);
    assert.equal(reportedDirectoryDamage(nested('connect ECONNREFUSED 127.0.0.1:41234')), undefined);
    assert.equal(reportedDirectoryDamage(new Error('surreal: cannot open surrealkv:///x: no connection within 5000 ms')), undefined);
    assert.equal(reportedDirectoryDamage(nested('Unexpected server response: 401')), undefined);
  });
});

describe('ledger.json.lock left behind', () => {
  let dir: string;
  let file: string;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-leftovers-'));
    file = join(dir, 'ledger.json');
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(killed));
    await rm(dir, { recursive: true, force: true });
  });

  it('by a killed process is taken over without a single wait, and the spend is booked', async () => {
    const { child, pid, startedAt } = await sleeper();
    children.push(child);
    await killed(child);
    await writeFile(`${file}.lock`, JSON.stringify({ pid, startedAt, nonce: 'left-by-a-killed-run' }));

    const counting = countingPause();
    const problems: CacheError[] = [];
    const clock = new ManualClock(Date.parse('2026-12-06T10:00:00Z'));
    const persistence = new JsonFileLedgerPersistence(file, { lockTimeoutMs: 200, lock: { pause: counting.pause } });
    const ledger = await CostLedger.open({ persistence, clock, onProblem: (problem) => problems.push(problem) });
    ledger.recordUpstreamCall(CALL);
    await ledger.flush();

    assert.deepEqual(problems.map((problem) => problem.message), []);
    assert.equal(counting.waits(), 0, 'no wait for a lock whose writer is dead');
    const reopened = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), clock });
    assert.equal(reopened.totals().upstreamCalls, 1, 'the spend is in the file');
    assert.ok(reopened.spentToday() > 0);
    assert.deepEqual((await readdir(dir)).filter((name) => name.includes('lock')), [], 'no lock left behind');
  });

  it('whose PID is alive but belongs to another process (another start time) is stale at once', async () => {
    const { child, pid, startedAt } = await sleeper();
    children.push(child);
    await writeFile(`${file}.lock`, JSON.stringify({ pid, startedAt: String(Number(startedAt) + 7), nonce: 'pid-reused' }));
    const counting = countingPause();
    assert.equal(await withLedgerFileLock(file, async () => 'ran', { timeoutMs: 200, pause: counting.pause }), 'ran');
    assert.equal(counting.waits(), 0);
  });

  it('by a live process is waited for, and not taken', async () => {
    const { child, pid, startedAt } = await sleeper();
    children.push(child);
    const held = JSON.stringify({ pid, startedAt, nonce: 'alive' });
    await writeFile(`${file}.lock`, held);
    const clock = new ManualClock(0);
    let waits = 0;
    await assert.rejects(withLedgerFileLock(file, async () => 'never', {
      timeoutMs: 30,
      now: () => clock.now(),
      // Each wait moves the clock by what it asked for: the timeout comes after the tries, not after real time.
      pause: async (ms) => {
        waits += 1;
        clock.advance(ms);
      },
    }), /stayed locked/);
    assert.ok(waits > 1, `waited ${waits} times`);
    assert.ok(clock.now() > 30, 'gave up only once its time was up');
    assert.equal(await readFile(`${file}.lock`, 'utf8'), held, 'the live holder keeps its lock');
  });
});

describe('a damaged ledger.json', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-damaged-'));
    file = join(dir, 'ledger.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is kept aside, reported, and does not reset the day\'s spend (nor the budget with it)', async () => {
    const clock = new ManualClock(Date.parse('2026-12-06T10:00:00Z'));
    const first = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), clock });
    first.recordUpstreamCall(CALL);
    first.recordUpstreamCall(CALL);
    await first.flush();
    const spent = first.spentToday();
    assert.ok(spent > 0);

    const damage = '{"version":1,"totals":{"spentUsd":';
    await writeFile(file, damage);
    const problems: CacheError[] = [];
    const reopened = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), clock, onProblem: (problem) => problems.push(problem) });

    assert.equal(reopened.spentToday(), spent, 'today\'s spend survives');
    assert.equal(reopened.spentToday('w'), spent);
    assert.equal(problems.length, 1, 'one warning');
    assert.match(problems[0]?.message ?? '', /unreadable \(not valid JSON\).*restored/);
    const aside = (await readdir(dir)).filter((name) => name.startsWith('ledger.json.damaged-'));
    assert.equal(aside.length, 1, 'the damaged file is kept');
    assert.equal(await readFile(join(dir, aside[0] ?? ''), 'utf8'), damage);

    reopened.recordUpstreamCall(CALL);
    await reopened.flush();
    const third = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), clock });
    assert.equal(third.totals().upstreamCalls, 3, 'bookings go on from the restored totals');
  });

  it('found during a merge is restored too, and the spend being booked is kept', async () => {
    const clock = new ManualClock(Date.parse('2026-12-06T10:00:00Z'));
    const problems: CacheError[] = [];
    const ledger = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), clock, onProblem: (problem) => problems.push(problem) });
    ledger.recordUpstreamCall(CALL);
    await ledger.flush();
    await writeFile(file, 'not json');
    ledger.recordUpstreamCall(CALL);
    await ledger.flush();
    assert.equal(problems[0]?.code, 'E_LEDGER_RESTORED');
    const reopened = await CostLedger.open({ persistence: new JsonFileLedgerPersistence(file), clock });
    assert.equal(reopened.totals().upstreamCalls, 2);
  });
});
