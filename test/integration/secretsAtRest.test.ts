import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { objectReader, resolveConfig } from '../../src/core/config';
import { CacheEngine, type EngineOptions } from '../../src/core/engine';
import type { EngineProblem } from '../../src/core/engineProblems';
import { createLogger } from '../../src/core/logger';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { filesUnder } from '../helpers/filesUnder';
import { startRedisServer, type RedisServerHandle } from '../helpers/servers/redisServer';

// Secrets given to a run as arguments (`--arg password=…`, a key as a word) must not be readable at rest when
// encryption is on: not in Redis, not in the SurrealDB folder, not in the usage log. And an instance without the
// team's key must leave the team's encrypted Redis namespace alone.

const PASSWORD = 'hunter2word';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const DB_PASSWORD = 'dbpassletters';
const PLANTED = [PASSWORD, AWS_KEY, DB_PASSWORD];

describe('secrets at rest (engine over real Redis and embedded SurrealDB)', function () {
  this.timeout(120_000);
  let fake: FakeAnthropic;
  let redis: RedisServerHandle;
  let client: Redis;
  let root: string;
  let workspace: string;
  let keyPrefix: string;
  let prefixCounter = 0;
  const opened: CacheEngine[] = [];
  const teamKey = randomBytes(32).toString('base64');

  async function openEngine(storage: string, extra: Partial<EngineOptions> = {}, settings: Record<string, unknown> = {}): Promise<CacheEngine> {
    const { config, problems } = resolveConfig(
      objectReader({ apiBaseUrl: fake.url, storageDir: join(root, storage), 'redis.url': redis.url, 'redis.keyPrefix': keyPrefix, ...settings }),
    );
    assert.deepEqual(problems, []);
    const engine = await CacheEngine.open({ config, apiKey: 'sk-ant-test-secrets-at-rest', logger: createLogger(() => undefined), ...extra });
    opened.push(engine);
    return engine;
  }

  /** A run of a workflow that takes its credentials as named inputs and a key as a word, as `claude-cache run` does. */
  const run = (engine: CacheEngine) =>
    engine.pipeline.run({
      workflow: 'deploy',
      workspace,
      params: { args: [AWS_KEY], inputs: { password: PASSWORD, db: `postgres://app:${DB_PASSWORD}@db.internal/app` } },
    });

  /** A run with nothing secret in it: its answer is shared through Redis. */
  const runPlain = (engine: CacheEngine) =>
    engine.pipeline.run({ workflow: 'explain-selection', workspace, selection: 'const answer = 42;' });

  /** Every key and raw value under this test's prefix. */
  async function redisBytes(): Promise<Array<{ key: string; bytes: Buffer }>> {
    const keys = await client.keys(`${keyPrefix}*`);
    const out: Array<{ key: string; bytes: Buffer }> = [];
    for (const key of keys) {
      const type = await client.type(key);
      const bytes = type === 'string' ? ((await client.getBuffer(key)) ?? Buffer.alloc(0)) : Buffer.from(JSON.stringify(await client.dump(key)));
      out.push({ key, bytes: Buffer.concat([Buffer.from(key), bytes]) });
    }
    return out;
  }

  const leaksIn = (chunks: Array<{ bytes: Buffer }>): string[] =>
    PLANTED.filter((secret) => chunks.some(({ bytes }) => bytes.includes(secret)));

  before(async () => {
    [fake, redis] = await Promise.all([startFakeAnthropic(), startRedisServer()]);
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  });

  after(async () => {
    client.disconnect();
    await Promise.all([fake.close(), redis.stop()]);
  });

  beforeEach(async () => {
    fake.reset();
    keyPrefix = `atrest${++prefixCounter}:`;
    root = await mkdtemp(join(tmpdir(), 'secrets-at-rest-'));
    workspace = join(root, 'workspace');
    await mkdir(join(workspace, '.claude', 'commands'), { recursive: true });
    await writeFile(
      join(workspace, '.claude', 'commands', 'deploy.md'),
      'Write the deploy notes for ${input:db} signed in with ${input:password}. $ARGUMENTS',
    );
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((engine) => engine.close()));
    await rm(root, { recursive: true, force: true });
  });

  it('leaves no plaintext of secret arguments in Redis, the SurrealDB files or the usage log when encryption is on', async () => {
    const engine = await openEngine('sealed', { encryptionKey: teamKey }, { 'encryption.enabled': true });
    assert.equal(engine.encrypted, true);
    await run(engine);
    const records = await engine.tuning.log.read({ workspace });
    assert.equal(records.length, 1, 'the run was logged');
    assert.deepEqual(leaksIn([{ bytes: Buffer.from(JSON.stringify(records)) }]), [], 'secret in the usage log as read back');
    await engine.close();

    const stored = await redisBytes();
    assert.ok(stored.length > 0, 'the run reached Redis');
    assert.deepEqual(leaksIn(stored), [], 'secret readable in Redis');
    const files = await filesUnder(join(root, 'sealed', 'surreal'));
    assert.ok(files.length > 0);
    assert.deepEqual(leaksIn(files), [], 'secret readable in the SurrealDB folder');
    // The log's records are sealed too: not even the workflow's name or the workspace path is readable.
    assert.ok(!files.some(({ bytes }) => bytes.includes(workspace)), 'workspace path readable in the SurrealDB folder');

    // The same key reads the log back.
    const again = await openEngine('sealed', { encryptionKey: teamKey }, { 'encryption.enabled': true });
    const reread = await again.tuning.log.read({ workspace });
    assert.equal(reread.length, 1);
    assert.equal(reread[0]?.workflow, 'deploy');
  });

  it('keeps an engine without the team key out of a marked Redis: nothing written, one clear problem', async () => {
    const team = await openEngine('team', { encryptionKey: teamKey });
    await run(team);
    await runPlain(team);
    await team.close();
    const marker = await client.get(`${keyPrefix}__meta:encrypted`);
    assert.match(marker ?? '', /^v1:[0-9a-f]{16}$/, 'the keyed engine marked the namespace');
    const before = await redisBytes();

    for (const [storage, extra] of [
      ['no-key', {}],
      ['other-key', { encryptionKey: randomBytes(32).toString('hex') }],
    ] as const) {
      const problems: EngineProblem[] = [];
      const outsider = await openEngine(storage, { ...extra, onProblem: (problem) => problems.push(problem) });
      assert.equal((await runPlain(outsider)).cached, false, 'it cannot read the team entries either');
      await run(outsider);
      assert.equal((await runPlain(outsider)).cached, true, 'its own memory still caches');
      await outsider.close();
      assert.deepEqual(
        (await redisBytes()).map(({ bytes }) => bytes.toString('base64')).sort(),
        before.map(({ bytes }) => bytes.toString('base64')).sort(),
        `${storage}: Redis changed`,
      );
      const namespaceProblems = problems.filter((problem) => /namespace .* is encrypted/.test(problem.message));
      assert.equal(namespaceProblems.length, 1, JSON.stringify(problems));
      assert.match(namespaceProblems[0]?.message ?? '', /set the team's encryption key/);
      assert.equal(namespaceProblems[0]?.kind, 'encryption-key');
    }

    // With the right key another machine uses the namespace: the team's answer comes from Redis.
    const colleague = await openEngine('colleague', { encryptionKey: teamKey });
    const answer = await runPlain(colleague);
    assert.equal(answer.cached, true);
    assert.equal(answer.layer, 'result');
    assert.equal(fake.calls, 6, 'two calls for the team, two per outsider, none for the colleague');
  });
});
