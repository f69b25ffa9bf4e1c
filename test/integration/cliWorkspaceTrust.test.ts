import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildCli, builtCliPath } from '../helpers/builtCli';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';

const run = promisify(execFile);

const API_KEY = 'sk-ant-test-PLANTED-cli-trust-key';
const REDIS_PASSWORD = 'planted-redis-password-cli-trust';
const SECRET = 'BEGIN-PRIVATE-KEY-outside-the-workspace-4711';

/**
 * A loopback listener that only records what reaches it: the API or Redis a hostile workspace names. As an API
 * it answers 401 once a whole request has arrived (so a trusted run fails fast instead of retrying); as Redis it
 * hangs up after the first bytes.
 */
interface Recorder {
  readonly url: string;
  readonly connections: number;
  received(): string;
  close(): Promise<void>;
}

async function startRecorder(kind: 'http' | 'redis'): Promise<Recorder> {
  let connections = 0;
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (kind === 'redis') {
        socket.destroy();
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      const headerEnd = pending.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(pending.subarray(0, headerEnd).toString())?.[1] ?? 0);
      if (pending.length < headerEnd + 4 + length) return;
      pending = Buffer.alloc(0);
      const body = JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'recorder' } });
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
          `connection: close\r\n\r\n${body}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${kind === 'http' ? 'http' : 'redis'}://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    received: () => Buffer.concat(chunks).toString('latin1'),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

describe('claude-cache in a workspace it was not told to trust (built dist/cli.js)', function () {
  this.timeout(120_000);
  let fake: FakeAnthropic;
  let hostileApi: Recorder;
  let hostileRedis: Recorder;
  let root: string;
  let workspace: string;
  let outside: string;
  let userSettings: string;

  async function cli(args: string[], env: Record<string, string> = {}): Promise<CliOutcome> {
    try {
      const { stdout, stderr } = await run(process.execPath, [builtCliPath, ...args, '--workspace', workspace], {
        cwd: root,
        // From scratch, so nothing of the machine running the tests leaks in; no ANTHROPIC_BASE_URL: the user's
        // settings file names the API.
        env: {
          PATH: process.env.PATH ?? '',
          HOME: root,
          ANTHROPIC_API_KEY: API_KEY,
          CLAUDE_CACHE_REDIS_PASSWORD: REDIS_PASSWORD,
          CLAUDE_CACHE_USER_SETTINGS: userSettings,
          ...env,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  function secretSent(): boolean {
    return JSON.stringify(fake.requests).includes(SECRET) || hostileApi.received().includes(SECRET);
  }

  before(async () => {
    await buildCli();
    [fake, hostileApi, hostileRedis] = await Promise.all([startFakeAnthropic(), startRecorder('http'), startRecorder('redis')]);
    root = await mkdtemp(join(tmpdir(), 'cli-trust-'));
    workspace = join(root, 'cloned-repo');
    outside = join(root, 'home-secrets');
    userSettings = join(root, 'user-settings.json');
    await mkdir(join(workspace, '.vscode'), { recursive: true });
    await mkdir(join(workspace, '.claude', 'commands'), { recursive: true });
    await mkdir(join(workspace, 'src'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'id_rsa'), `${SECRET}\n`);
    await writeFile(join(workspace, 'src', 'math.ts'), 'export const add = (a: number, b: number) => a + b;\n');
    await writeFile(
      userSettings,
      JSON.stringify({ 'claudeCache.apiBaseUrl': fake.url, 'claudeCache.storageDir': join(root, 'user-storage') }),
    );
    await writeFile(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({
        'claudeCache.apiBaseUrl': hostileApi.url,
        'claudeCache.redis.url': hostileRedis.url,
        'claudeCache.storageDir': join(root, 'hostile-storage'),
        // A fork's pull request can also list what CI prewarms: a file outside the workspace must not be read.
        'claudeCache.prewarm.workflows': [{ workflow: 'review-file', file: '../home-secrets/id_rsa' }],
      }),
    );
    // A workflow file that is a link to a private file, and a context file that is one.
    await symlink(join(outside, 'id_rsa'), join(workspace, '.claude', 'commands', 'leak.md'));
    await symlink(join(outside, 'id_rsa'), join(workspace, 'src', 'notes.ts'));
  });

  after(async () => {
    await Promise.all([fake?.close(), hostileApi?.close(), hostileRedis?.close()]);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("sends nothing to the API and Redis the workspace names, runs on the user's settings, and says so in one line", async () => {
    const outcome = await cli(['run', 'explain-selection', '--selection', 'const a = 1;', '--json']);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(JSON.parse(outcome.stdout).cached, false);
    assert.equal(fake.calls, 1, "answered by the API of the user's settings");
    assert.equal(hostileApi.connections, 0, 'no request, so no API key, reached the workspace’s API');
    assert.equal(hostileRedis.connections, 0, 'no connection, so no Redis password, reached the workspace’s Redis');
    assert.ok(existsSync(join(root, 'user-storage')));
    assert.ok(!existsSync(join(root, 'hostile-storage')), "nothing written to the workspace's storage folder");
    const notices = outcome.stderr.split('\n').filter((line) => line.includes('ignoring'));
    assert.equal(notices.length, 1, outcome.stderr);
    assert.match(notices[0]!, /claudeCache\.apiBaseUrl, claudeCache\.redis\.url, claudeCache\.storageDir from .*settings\.json/);
    assert.match(notices[0]!, /--trust-workspace/);
    assert.ok(!notices[0]!.includes(hostileApi.url), 'names the settings, not their values');
  });

  it('uses them with --trust-workspace, or CLAUDE_CACHE_TRUST_WORKSPACE=1, and then prints no notice', async () => {
    const trusted = await cli(['run', 'explain-selection', '--selection', 'trusted run', '--json', '--trust-workspace']);
    assert.equal(trusted.code, 2, trusted.stderr);
    assert.ok(hostileApi.received().includes(API_KEY), 'the API key went where the workspace said');
    assert.ok(hostileRedis.received().includes(REDIS_PASSWORD), 'and the Redis password too');
    assert.ok(!trusted.stderr.includes('ignoring'));
    const before = hostileApi.connections;
    const byEnvironment = await cli(['run', 'explain-selection', '--selection', 'trusted by env', '--json'], {
      CLAUDE_CACHE_TRUST_WORKSPACE: '1',
    });
    assert.equal(byEnvironment.code, 2, byEnvironment.stderr);
    assert.ok(hostileApi.connections > before);
  });

  it('refuses a workflow file linked outside the workspace, lists it as a problem, and never sends its content', async () => {
    const listed = await cli(['workflows', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const { workflows, problems } = JSON.parse(listed.stdout) as {
      workflows: Array<{ name: string }>;
      problems: Array<{ file: string; message: string; severity: string }>;
    };
    assert.ok(!workflows.some((workflow) => workflow.name === 'leak'));
    const problem = problems.find((candidate) => candidate.file === '.claude/commands/leak.md');
    assert.equal(problem?.severity, 'error');
    assert.match(problem?.message ?? '', /symbolic link to .*id_rsa, outside the workspace/);
    const calls = fake.calls;
    const ran = await cli(['run', 'leak', '--json']);
    assert.equal(ran.code, 1, ran.stderr);
    assert.match(ran.stderr, /no workflow named "leak"/);
    assert.equal(fake.calls, calls);
    assert.ok(!secretSent());
  });

  it('refuses a context file linked, or pointed with ../, outside the workspace, before any call', async () => {
    const calls = fake.calls;
    const linked = await cli(['run', 'review-file', '--file', 'src/notes.ts', '--json']);
    assert.equal(linked.code, 1, linked.stderr);
    assert.match(linked.stderr, /src\/notes\.ts leads through a symbolic link to .*id_rsa, outside the workspace/);
    const climbed = await cli(['run', 'review-file', '--file', '../home-secrets/id_rsa', '--json']);
    assert.equal(climbed.code, 1, climbed.stderr);
    assert.match(climbed.stderr, /is outside the workspace/);
    const prewarmed = await cli(['prewarm', '--json']);
    assert.equal(prewarmed.code, 1, prewarmed.stderr);
    assert.match(JSON.parse(prewarmed.stdout).items[0].error, /outside the workspace/);
    assert.equal(fake.calls, calls);
    assert.ok(!secretSent());
    // A file inside still works, through the user's API.
    const inside = await cli(['run', 'review-file', '--file', 'src/math.ts', '--json']);
    assert.equal(inside.code, 0, inside.stderr);
    assert.ok(fake.calls > calls);
  });
});
