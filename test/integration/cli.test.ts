import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';

const run = promisify(execFile);
const repo = resolve(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');

interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

describe('claude-cache CLI (built dist/cli.js, end to end)', function () {
  this.timeout(120_000);
  let fake: FakeAnthropic;
  let redis: RedisServerHandle;
  let root: string;
  let workspace: string;

  async function cliRun(
    args: string[],
    env: Record<string, string | undefined> = {},
    folder = workspace,
  ): Promise<CliOutcome> {
    const base: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: root,
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: fake.url,
      CLAUDE_CACHE_STORAGE_DIR: join(root, 'storage'),
    };
    const merged = { ...base, ...env };
    for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
    try {
      const { stdout, stderr } = await run(process.execPath, [cli, ...args, '--workspace', folder], {
        env: merged as NodeJS.ProcessEnv,
        cwd: root,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  before(async () => {
    await run(process.execPath, [join(repo, 'esbuild.mjs')], { cwd: repo });
    fake = await startFakeAnthropic();
    redis = await startRedisServer();
    root = await mkdtemp(join(tmpdir(), 'cli-'));
    workspace = join(root, 'workspace');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await mkdir(join(workspace, '.vscode'), { recursive: true });
    await writeFile(join(workspace, 'src', 'math.ts'), 'export const add = (a: number, b: number) => a + b;\n');
    await writeFile(
      join(workspace, '.vscode', 'settings.json'),
      `{
        // JSONC, as VS Code writes it
        "claudeCache.model": "claude-sonnet-5-5",
        "claudeCache.prewarm.workflows": [{ "workflow": "review-file", "file": "src/math.ts" }],
      }`,
    );
  });

  after(async () => {
    await fake?.close();
    await redis?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('runs a workflow twice: Claude once, then the cache, as --json says', async () => {
    const first = await cliRun(['run', 'explain-selection', '--selection', 'const a = 1;', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const firstJson = JSON.parse(first.stdout);
    assert.deepEqual(Object.keys(firstJson).sort(), ['cached', 'costUsd', 'layer', 'savedUsd', 'stopReason', 'text', 'usage']);
    assert.equal(firstJson.stopReason, 'end_turn');
    assert.equal(firstJson.cached, false);
    assert.equal(firstJson.layer, null);
    assert.ok(firstJson.costUsd > 0);
    assert.equal(fake.calls, 1);

    const second = await cliRun(['run', 'explain-selection', '--selection', 'const a = 1;', '--json']);
    assert.equal(second.code, 0, second.stderr);
    const secondJson = JSON.parse(second.stdout);
    assert.equal(fake.calls, 1, 'the second process answered from the persistent tier');
    assert.equal(secondJson.cached, true);
    assert.equal(secondJson.layer, 'result');
    assert.equal(secondJson.text, firstJson.text);
    assert.equal(secondJson.costUsd, 0);
    assert.equal(secondJson.savedUsd, firstJson.costUsd);
  });

  it('streams the answer as text without --json and reports the outcome on stderr', async () => {
    const outcome = await cliRun(['run', 'explain-selection', '--selection', 'plain text run']);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.ok(outcome.stdout.startsWith('Fake Claude answer to:'));
    assert.match(outcome.stderr, /called Claude/);
  });

  it('prints stats in the documented shape with the numbers of the runs so far', async () => {
    const outcome = await cliRun(['stats', '--json']);
    assert.equal(outcome.code, 0, outcome.stderr);
    const stats = JSON.parse(outcome.stdout);
    assert.deepEqual(Object.keys(stats.layers).sort(), ['context', 'module', 'prompt', 'result']);
    for (const layer of Object.values(stats.layers) as Array<Record<string, number>>) {
      assert.deepEqual(Object.keys(layer).sort(), ['bytes', 'entries', 'hitRate', 'hits', 'misses']);
    }
    assert.deepEqual(Object.keys(stats.tiers).sort(), ['memory', 'redis', 'surreal']);
    assert.equal(stats.tiers.redis.status, 'off');
    assert.equal(stats.tiers.surreal.status, 'up');
    assert.ok(stats.tiers.surreal.entries >= 2);
    assert.deepEqual(Object.keys(stats.cost).sort(), [
      'avoidedCalls',
      'savedByLocalHitsUsd',
      'savedByProviderCacheUsd',
      'savedUsd',
      'spentUsd',
      'upstreamCalls',
    ]);
    assert.equal(stats.cost.upstreamCalls, 2, 'two paid runs so far, persisted across processes');
    assert.deepEqual(
      { hits: stats.layers.result.hits, misses: stats.layers.result.misses },
      { hits: 1, misses: 2 },
      'hit counts add up across the three CLI processes',
    );
    assert.ok(Math.abs(stats.layers.result.hitRate - 1 / 3) < 1e-9);
    assert.equal(stats.cost.avoidedCalls, 1);
  });

  it('invalidates everything, so the next run calls Claude again', async () => {
    const invalidated = await cliRun(['invalidate', '--all', '--json']);
    assert.equal(invalidated.code, 0, invalidated.stderr);
    assert.ok(JSON.parse(invalidated.stdout).removed.surreal > 0);
    const before = fake.calls;
    const again = await cliRun(['run', 'explain-selection', '--selection', 'const a = 1;', '--json']);
    assert.equal(JSON.parse(again.stdout).cached, false);
    assert.equal(fake.calls, before + 1);
  });

  it('invalidates by layer and by pattern', async () => {
    const byLayer = await cliRun(['invalidate', '--layer', 'prompt']);
    assert.equal(byLayer.code, 0, byLayer.stderr);
    assert.match(byLayer.stdout, /removed \d+ entries/);
    const byPattern = await cliRun(['invalidate', '--pattern', 'explain-selection:*', '--layer', 'result', '--json']);
    assert.equal(byPattern.code, 0, byPattern.stderr);
    const bad = await cliRun(['invalidate', '--pattern', 'a[b]']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not a cache key pattern/);
  });

  it('prewarms a team Redis that another process then reads', async () => {
    const shared = { CLAUDE_CACHE_REDIS_URL: redis.url, CLAUDE_CACHE_STORAGE_DIR: join(root, 'ci-storage') };
    const prewarm = await cliRun(['prewarm', '--json'], shared);
    assert.equal(prewarm.code, 0, prewarm.stderr);
    assert.deepEqual(JSON.parse(prewarm.stdout), { total: 1, done: 1, failed: 0, items: [{ workflow: 'review-file', cached: false }] });
    const calls = fake.calls;
    const editor = { CLAUDE_CACHE_REDIS_URL: redis.url, CLAUDE_CACHE_STORAGE_DIR: join(root, 'editor-storage') };
    const read = await cliRun(['run', 'review-file', '--file', 'src/math.ts', '--json'], editor);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(JSON.parse(read.stdout).cached, true, 'served from the shared Redis');
    assert.equal(fake.calls, calls);
  });

  it('seals the shared tiers with the key from CLAUDE_CACHE_ENCRYPTION_KEY when encryption is on', async () => {
    const sealed = join(root, 'sealed-workspace');
    await mkdir(join(sealed, '.vscode'), { recursive: true });
    await writeFile(join(sealed, '.vscode', 'settings.json'), '{ "claudeCache.encryption.enabled": true }');
    const env = {
      CLAUDE_CACHE_STORAGE_DIR: join(root, 'sealed-storage'),
      CLAUDE_CACHE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    };
    const args = ['run', 'explain-selection', '--selection', 'sealed', '--json'];
    const first = await cliRun(args, env, sealed);
    assert.equal(first.code, 0, first.stderr);
    const second = await cliRun(args, env, sealed);
    assert.equal(JSON.parse(second.stdout).cached, true, 'read back through the key from the environment');
    const wrongKey = await cliRun(args, { ...env, CLAUDE_CACHE_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') }, sealed);
    assert.equal(JSON.parse(wrongKey.stdout).cached, false, 'a wrong key reads nothing, not garbage');
  });

  it('lists workflows', async () => {
    const outcome = await cliRun(['workflows', '--json']);
    assert.equal(outcome.code, 0, outcome.stderr);
    const names = JSON.parse(outcome.stdout).workflows.map((workflow: { name: string }) => workflow.name);
    for (const name of ['explain-selection', 'review-file', 'summarize-changes', 'write-tests']) assert.ok(names.includes(name));
  });

  it('fails with one clear line and exit code 2 without a key, while stats still works', async () => {
    const outcome = await cliRun(['run', 'explain-selection', '--selection', 'needs a key', '--json'], {
      ANTHROPIC_API_KEY: undefined,
    });
    assert.equal(outcome.code, 2);
    assert.equal(outcome.stdout, '');
    assert.equal(outcome.stderr.trim().split('\n').length, 1);
    assert.match(outcome.stderr, /ANTHROPIC_API_KEY/);
    const stats = await cliRun(['stats'], { ANTHROPIC_API_KEY: undefined });
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /hit rate/);
  });

  it('answers a usage error with exit code 2 and the usage line', async () => {
    const unknownFlag = await cliRun(['run', '--nope']);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /usage: claude-cache run/);
    const unknownCommand = await cliRun(['frobnicate']);
    assert.equal(unknownCommand.code, 2);
    const noWorkflow = await cliRun(['run']);
    assert.equal(noWorkflow.code, 2);
  });

  it('reports a max_tokens stop as stopReason in --json, warns on stderr, and calls Claude again next time', async () => {
    const args = ['run', 'explain-selection', '--selection', 'cut me off', '--json'];
    const before = fake.calls;
    fake.stopNext('max_tokens');
    const cut = await cliRun(args);
    assert.equal(cut.code, 0, cut.stderr);
    const json = JSON.parse(cut.stdout);
    assert.equal(json.stopReason, 'max_tokens');
    assert.match(json.stopNote, /cut off at [\d,]+ tokens/);
    assert.match(cut.stderr, /^warning: The answer was cut off/m);
    const again = await cliRun(args);
    assert.equal(JSON.parse(again.stdout).stopReason, 'end_turn');
    assert.equal(fake.calls, before + 2, 'the cut-off answer was not served from the cache');
  });

  it('exits 4 on a refusal, prints it, and never serves it from the cache', async () => {
    const args = ['run', 'explain-selection', '--selection', 'please refuse'];
    const before = fake.calls;
    fake.stopNext('refusal', { category: 'cyber', explanation: 'Declined for the test.' });
    const refused = await cliRun(args);
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /declined to answer \(Declined for the test\.\)/);
    const again = await cliRun(args);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fake.calls, before + 2);
  });

  it('runs a workflow file that names its model `haiku` against the strict API double', async () => {
    await mkdir(join(workspace, '.claude', 'commands'), { recursive: true });
    await writeFile(join(workspace, '.claude', 'commands', 'quick.md'), '---\nmodel: haiku\n---\nSay hi to $ARGUMENTS.\n');
    const outcome = await cliRun(['run', 'quick', 'Ada', '--json']);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(JSON.parse(outcome.stdout).stopReason, 'end_turn');
    assert.match(fake.requests.at(-1)?.model ?? '', /^claude-haiku-/);
  });

  it('says where it could not reach the API: the address, what chose it, and why', async () => {
    // A port that was free a moment ago: nothing listens there (fetch refuses some low ports outright).
    const closed = await new Promise<number>((resolvePort) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolvePort(port));
      });
    });
    const url = `http://127.0.0.1:${closed}`;
    const outcome = await cliRun(['run', 'explain-selection', '--selection', 'nobody there'], { ANTHROPIC_BASE_URL: url });
    assert.equal(outcome.code, 1);
    assert.ok(
      outcome.stderr.includes(`Could not reach the Anthropic API at ${url} (chosen by the ANTHROPIC_BASE_URL environment variable): the connection was refused (ECONNREFUSED)`),
      outcome.stderr,
    );
  });
});
