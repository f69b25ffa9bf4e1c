import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dollarsOf, optimalProviderCost, plainDollars, type OracleCall } from '../../../bench/lib/costOracle';
import { extractGitHistory, parseHistory, type EditHistory } from '../../../bench/lib/editHistory';
import { synthesizeSource } from '../../../bench/lib/synthesizedSource';
import { buildTeamStream, selectionIn } from '../../../bench/lib/teamModel';

const MODEL = 'claude-sonnet-5-5';
const MINUTE = 60_000;

function call(at: number, prefixKey = 'p'): OracleCall {
  return { at, model: MODEL, prefixKey, prefixTokens: 10_000, inputTokens: 12_000, outputTokens: 500 };
}

describe('bench cost oracle: hindsight-optimal provider caching', () => {
  it('chooses no caching for a prefix sent once, and costs exactly the plain price then', () => {
    const cost = optimalProviderCost([call(0)]);
    assert.deepEqual(cost.choices, { none: 1, '5m': 0, '1h': 0 });
    assert.equal(cost.optimalUsd, cost.plainUsd);
    assert.equal(cost.plainUsd, plainDollars(call(0)));
  });

  it('writes for 5 minutes when the repeat comes within 5 minutes, and reads it', () => {
    const cost = optimalProviderCost([call(0), call(2 * MINUTE)]);
    // The write is a 5-minute one; the read costs the same under either TTL.
    assert.equal(cost.choices.none, 0);
    assert.ok(cost.choices['5m'] >= 1);
    const rest = { inputTokens: 2_000, outputTokens: 500 };
    const expected = dollarsOf(MODEL, { ...rest, cacheWrite5mTokens: 10_000 }) + dollarsOf(MODEL, { ...rest, cacheReadTokens: 10_000 });
    assert.ok(Math.abs(cost.optimalUsd - expected) < 1e-12);
  });

  it('writes for an hour when the repeats come 30 minutes apart, and pays less than plain', () => {
    const cost = optimalProviderCost([call(0), call(30 * MINUTE), call(60 * MINUTE)]);
    assert.equal(cost.choices['1h'], 3);
    assert.ok(cost.optimalUsd < cost.plainUsd);
  });

  it('never pays more than no caching, whatever the gaps', () => {
    const calls = [0, 3, 70, 71, 200, 2000, 2004].map((minutes) => call(minutes * MINUTE));
    const cost = optimalProviderCost(calls);
    assert.ok(cost.optimalUsd <= cost.plainUsd + 1e-12);
    assert.equal(cost.choices.none + cost.choices['5m'] + cost.choices['1h'], calls.length);
  });

  it('keeps prefixes apart: two prefixes sent once each are never cached', () => {
    const cost = optimalProviderCost([call(0, 'a'), call(MINUTE, 'b')]);
    assert.equal(cost.choices.none, 2);
  });
});

describe('bench edit history and team model', () => {
  const history: EditHistory = parseHistory({
    source: 'test',
    history: [
      { commit: 'bbbb', time: 2_000, author: 'dev1', files: [{ path: 'src/a.ts', blob: '22', bytes: 900, lines: 30 }, { path: 'src/old.ts', deleted: true }] },
      { commit: 'aaaa', time: 1_000, author: 'dev2', files: [{ path: 'src/a.ts', blob: '11', bytes: 800, lines: 25 }, { path: 'src/b.ts', blob: '33', bytes: 700, lines: 20 }] },
    ],
  });

  it('orders commits by time and refuses a file without a content id', () => {
    assert.deepEqual(history.history.map((commit) => commit.commit), ['aaaa', 'bbbb']);
    assert.throws(() => parseHistory({ history: [{ commit: 'c', time: 1, author: 'd', files: [{ path: 'x.ts' }] }] }), /lacks blob or bytes/);
  });

  it('builds the same stream every time, in time order, with a CI prewarm for each touched file', () => {
    const first = buildTeamStream(history);
    assert.deepEqual(buildTeamStream(history), first);
    for (let i = 1; i < first.length; i++) assert.ok((first[i]?.at ?? 0) >= (first[i - 1]?.at ?? 0));
    const prewarms = first.filter((step) => step.kind === 'run' && step.origin === 'prewarm');
    assert.equal(prewarms.length, 3);
    const firstCommit = first.find((step) => step.kind === 'commit');
    assert.equal(firstCommit?.kind === 'commit' ? firstCommit.commit : '', 'aaaa');
  });

  it('synthesises the same text for the same content id and size, another for another id', () => {
    const corpus = { paragraphs: [], snippets: [{ language: 'ts', code: 'export const a = 1;' }, { language: 'ts', code: 'function f() {}' }] };
    const text = synthesizeSource(corpus, 'abc123', 500);
    assert.equal(text, synthesizeSource(corpus, 'abc123', 500));
    assert.equal(text.length, 500);
    assert.notEqual(text, synthesizeSource(corpus, 'abc124', 500));
    assert.equal(selectionIn(text, 1), selectionIn(text, 1));
    assert.notEqual(selectionIn(text, 0), '');
  });

  it('extracts a first-parent .ts history from a git repository', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'history-git-'));
    try {
      const git = (...args: string[]) =>
        execFileSync('git', ['-C', dir, '-c', 'user.email=x@example.com', '-c', 'user.name=x', ...args], { stdio: 'pipe' });
      git('init', '-q');
      writeFileSync(path.join(dir, 'a.ts'), 'export const a = 1;\n');
      writeFileSync(path.join(dir, 'notes.md'), '# not TypeScript\n');
      git('add', '.');
      git('commit', '-q', '-m', 'one');
      writeFileSync(path.join(dir, 'a.ts'), 'export const a = 2;\n');
      git('commit', '-q', '-am', 'two');
      git('rm', '-q', 'a.ts');
      git('commit', '-q', '-m', 'three');
      const extracted = await extractGitHistory(dir);
      assert.equal(extracted.history.length, 3);
      assert.deepEqual(extracted.history.map((commit) => commit.author), ['dev1', 'dev1', 'dev1']);
      assert.equal(extracted.history[0]?.files[0]?.path, 'a.ts');
      assert.equal(extracted.history[0]?.files[0]?.bytes, 'export const a = 1;\n'.length);
      assert.equal(extracted.history[0]?.files.length, 1);
      assert.equal(extracted.history[2]?.files[0]?.deleted, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
