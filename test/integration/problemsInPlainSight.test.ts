import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine } from '../../src/core/engine';
import type { EngineProblem } from '../../src/core/engineProblems';
import { ENCRYPTION_KEY_ENV } from '../../src/core/security';
import { eventually } from '../helpers/eventually';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { startAuthRedisServer, type AuthRedisServer } from '../helpers/servers/authRedisServer';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';

const RIGHT_PASSWORD = 'right-pw-5d21';
const WRONG_PASSWORD = 'wrong-pw-88ae';

interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The lines a run wrote to stderr, without blank ones. */
function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('problems a user must see: tier health in stats and one line on stderr without --verbose', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let root: string;
  let workspace: string;

  before(async () => {
    fake = await startFakeAnthropic();
  });

  after(async () => {
    await fake.close();
  });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'plain-sight-'));
    workspace = join(root, 'workspace');
    await mkdir(workspace);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** The CLI in this process, as `claude-cache <args>` with only the environment given (no user settings). */
  async function cli(args: string[], env: Record<string, string>): Promise<CliOutcome> {
    let stdout = '';
    let stderr = '';
    const code = await runCli([...args, '--workspace', workspace], {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: {
        HOME: root,
        ANTHROPIC_API_KEY: 'test-key',
        ANTHROPIC_BASE_URL: fake.url,
        CLAUDE_CACHE_STORAGE_DIR: join(root, 'storage'),
        ...env,
      },
      cwd: root,
    });
    return { code, stdout, stderr };
  }

  describe('Redis refusing the password', () => {
    let server: AuthRedisServer;

    before(async () => {
      server = await startAuthRedisServer({ requirePass: RIGHT_PASSWORD, users: {} });
    });

    after(async () => {
      await server.stop();
    });

    it('prints one line naming the refused login, and stats --json shows Redis down with that reason', async () => {
      const outcome = await cli(['stats', '--json'], {
        CLAUDE_CACHE_REDIS_URL: `redis://127.0.0.1:${server.port}`,
        CLAUDE_CACHE_REDIS_PASSWORD: WRONG_PASSWORD,
      });
      assert.equal(outcome.code, 0, outcome.stderr);
      const warnings = lines(outcome.stderr);
      assert.equal(warnings.length, 1, outcome.stderr);
      assert.match(warnings[0] ?? '', /^warning: .*Redis refused the login.*WRONGPASS/);
      assert.ok(!outcome.stderr.includes(WRONG_PASSWORD), outcome.stderr);

      const stats = JSON.parse(outcome.stdout);
      assert.equal(stats.tiers.redis.status, 'down');
      assert.match(stats.tiers.redis.reason, /Redis refused the login.*WRONGPASS/);
      assert.ok(!outcome.stdout.includes(WRONG_PASSWORD), outcome.stdout);
      assert.equal(stats.tiers.memory.status, 'up');
      assert.equal(stats.tiers.memory.reason, undefined, 'a healthy tier has no reason');
    });

    it('prints the reason under the tier table of plain stats', async () => {
      const outcome = await cli(['stats'], {
        CLAUDE_CACHE_REDIS_URL: `redis://127.0.0.1:${server.port}`,
        CLAUDE_CACHE_REDIS_PASSWORD: WRONG_PASSWORD,
      });
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.match(outcome.stdout, /^redis\s+down\b/m);
      assert.match(outcome.stdout, /^ {2}redis down: .*Redis refused the login/m);
    });
  });

  describe('Redis killed in the middle of a session', () => {
    let redis: RedisServerHandle;

    before(async () => {
      redis = await startRedisServer();
    });

    after(async () => {
      await redis.stop();
    });

    it('reads up while Redis answers, then down with the reason once it is gone, and tells the user once', async () => {
      const { config, problems } = resolveConfig(
        objectReader({ apiBaseUrl: fake.url, storageDir: join(root, 'storage'), 'redis.url': redis.url, 'redis.keyPrefix': 'killed:' }),
      );
      assert.deepEqual(problems, []);
      const told: EngineProblem[] = [];
      const engine = await CacheEngine.open({ config, apiKey: 'test-key', onProblem: (problem) => told.push(problem) });
      try {
        await engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'const x = 1;' });
        const before = await engine.stats();
        assert.equal(before.tiers.redis.status, 'up');
        assert.ok(before.tiers.redis.entries > 0, 'the answer went to Redis');
        assert.equal(told.length, 0, JSON.stringify(told));

        await redis.kill();
        const after = await engine.stats();
        assert.equal(after.tiers.redis.status, 'down');
        assert.match(after.tiers.redis.reason ?? '', /redis: (connection lost|not connected)/);
        // The reconnect attempts that follow are refused: one problem, however many attempts fail.
        await eventually(() => told.some((problem) => /connection refused at 127\.0\.0\.1:/.test(problem.message)), 'the refusal is reported');
        assert.equal(told.filter((problem) => problem.kind === 'redis').length, 1, JSON.stringify(told));
        assert.equal(told[0]?.setting, 'claudeCache.redis');
      } finally {
        await engine.close();
      }
    });
  });

  it('a malformed encryption key: one line, and both shared tiers down with the reason in stats', async () => {
    const env = { [ENCRYPTION_KEY_ENV]: 'c2hvcnQ=' };
    const run = await cli(['run', 'explain-selection', '--selection', 'const y = 2;', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const warnings = lines(run.stderr);
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(warnings[0] ?? '', /^warning: CLAUDE_CACHE_ENCRYPTION_KEY decodes to 5 bytes.*shared tiers stay off/);

    const stats = await cli(['stats', '--json'], env);
    const parsed = JSON.parse(stats.stdout);
    assert.equal(parsed.tiers.surreal.status, 'down');
    assert.match(parsed.tiers.surreal.reason, /CLAUDE_CACHE_ENCRYPTION_KEY/);
  });

  it('a storage folder that cannot be created: the run still answers, with one line saying why nothing is kept', async () => {
    // Under a regular file: no one can create it, root included (chmod would not stop root).
    await writeFile(join(root, 'a-file'), 'not a folder');
    const env = { CLAUDE_CACHE_STORAGE_DIR: join(root, 'a-file', 'storage') };
    const run = await cli(['run', 'explain-selection', '--selection', 'const z = 3;', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).cached, false);
    const warnings = lines(run.stderr);
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(warnings[0] ?? '', /^warning: storage folder .*a-file.storage is not usable \(not a folder: ENOTDIR\).*every run pays/);

    const stats = await cli(['stats', '--json'], env);
    assert.equal(stats.code, 0, stats.stderr);
    const parsed = JSON.parse(stats.stdout);
    assert.equal(parsed.tiers.surreal.status, 'down');
    assert.match(parsed.tiers.surreal.reason, /storage folder is not usable/);
  });
});
