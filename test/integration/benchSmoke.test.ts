import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SECTION_IDS, type BenchResults } from '../../bench/report/results';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs `bench/run.ts --smoke` as `npm run bench:smoke` does, into `out`; resolves with its exit code and output. */
function runSmoke(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('bench smoke run', function () {
  // A smoke run takes well under a minute; the margin is for a loaded CI machine.
  this.timeout(180_000);
  let out: string;
  let results: BenchResults;
  let markdown: string;
  let svg: string;

  before(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'bench-smoke-'));
    const { code, output } = await runSmoke(out);
    assert.equal(code, 0, `bench --smoke failed:\n${output.slice(-4_000)}`);
    results = JSON.parse(await readFile(path.join(out, 'latest.json'), 'utf8')) as BenchResults;
    markdown = await readFile(path.join(out, 'latest.md'), 'utf8');
    svg = await readFile(path.join(out, 'latency.svg'), 'utf8');
  });

  after(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('writes latest.json with every section, each holding figures', () => {
    assert.equal(results.mode, 'smoke');
    assert.deepEqual(
      results.sections.map((section) => section.id),
      [...SECTION_IDS],
    );
    for (const section of results.sections) {
      assert.ok(section.rows.length + section.tables.length > 0, `section ${section.id} is empty`);
      for (const row of section.rows) {
        assert.ok(row.ours.summary.samples > 0, `${row.id}: ours was never measured`);
        assert.equal(row.ours.summary.misses, 0, `${row.id}: ours missed where it should have hit`);
        for (const figure of [...(row.floor ? [row.floor] : []), ...row.peers]) {
          assert.ok(figure.summary.samples > 0 && figure.summary.meanNs > 0, `${row.id}: ${figure.system} was never measured`);
        }
      }
    }
  });

  it('compares every tier with its floor and the peers', () => {
    const rows = new Map(results.sections.flatMap((section) => section.rows).map((row) => [row.id, row]));
    for (const id of ['memory-hit-sync-4096', 'redis-hit-4096', 'surreal-hit-4096', 'redis-throughput-c128', 'miss-compute-0ms', 'set-write-through-redis']) {
      assert.ok(rows.get(id)?.floor, `${id} has no floor`);
    }
    const peers = new Set(rows.get('memory-hit-getOrCompute-4096')?.peers.map((peer) => peer.system));
    assert.deepEqual([...peers].sort(), ['BentoCache (serializeL1 off)', 'BentoCache (serializeL1 on)', 'cache-manager']);
  });

  it('records the machine and evaluates every target', () => {
    assert.ok(results.machine.cores > 0 && results.machine.node.startsWith('v'));
    assert.deepEqual(
      results.targets.map((target) => target.id).sort(),
      [
        'cli-cached-run',
        'history-dollars',
        'history-hit-rate',
        'history-provider-cache',
        'history-stale',
        'load-errors',
        'load-heap-flat',
        'load-invalidations',
        'load-memory-budget',
        'memory-hit-vs-bento',
        'memory-hit-vs-lru',
        'redis-c128-throughput',
        'redis-hit-vs-raw',
        'stampede-one-instance',
        'surreal-hit-vs-raw',
        'team-single-flight',
        'tiered-vs-bento',
        'tiered-vs-cache-manager',
        'trace-hit-rate',
        'trace-stale',
      ],
    );
  });

  it('counts exactly one computation for identical misses in one instance and no stale answers', () => {
    const byId = new Map(results.targets.map((target) => [target.id, target]));
    assert.equal(byId.get('stampede-one-instance')?.value, 1);
    assert.equal(byId.get('trace-stale')?.value, 0);
    assert.equal(byId.get('team-single-flight')?.value, 1);
  });

  it('writes latest.md with the targets and a heading per section', () => {
    assert.match(markdown, /^# Benchmarks \(smoke run/);
    assert.match(markdown, /## Targets/);
    for (const section of results.sections) assert.ok(markdown.includes(`## ${section.title}`), `latest.md lacks ${section.title}`);
  });

  it('draws latency.svg with a bar per figure', () => {
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    for (const group of ['Memory hit, synchronous', 'Redis hit', 'SurrealDB hit']) assert.ok(svg.includes(group), `latency.svg lacks ${group}`);
    assert.ok((svg.match(/<rect /g) ?? []).length >= 10, 'latency.svg has too few bars');
  });
});
