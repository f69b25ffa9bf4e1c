// `npm run test:package`: installs the CLI's npm tarball globally into a temporary prefix, which fetches its
// dependencies from the npm registry (fine in CI, which reaches it), then runs it like a user would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../../../tools/common/paths';
import { packCliPackage } from '../../../../tools/package/cliPackage';
import { cliSandboxEnv } from '../../../helpers/builtCli';
import { startFakeAnthropic, type FakeAnthropic } from '../../../helpers/fakeAnthropic';

const run = promisify(execFile);

describe('the CLI npm package (npm pack, npm install -g --prefix)', function () {
  this.timeout(10 * 60_000);
  let root: string;
  let bin: string;
  let fake: FakeAnthropic;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'cli-tarball-'));
    const tarball = await packCliPackage(repoRoot(), join(root, 'pack'));
    const prefix = join(root, 'prefix');
    await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {
      cwd: root,
      timeout: 8 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    bin = process.platform === 'win32' ? join(prefix, 'claude-cache.cmd') : join(prefix, 'bin', 'claude-cache');
    fake = await startFakeAnthropic();
  });

  after(async () => {
    await fake?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const cli = (args: string[]) => {
    const workspace = join(root, 'workspace');
    mkdirSync(workspace, { recursive: true });
    return run(bin, [...args, '--workspace', workspace], { cwd: root, env: cliSandboxEnv(root, fake.url) });
  };

  it('runs claude-cache --help from the global bin folder', async () => {
    const { stdout } = await run(bin, ['--help'], { env: { PATH: process.env.PATH ?? '', HOME: root } });
    assert.match(stdout, /^claude-cache: /);
    assert.match(stdout, /claude-cache run <workflow>/);
  });

  it('answers a run through Claude, then the same run from the cache, with its native modules loaded', async () => {
    const first = JSON.parse((await cli(['run', 'explain-selection', '--selection', 'y = 2', '--json'])).stdout);
    assert.equal(first.cached, false);
    const second = await cli(['run', 'explain-selection', '--selection', 'y = 2', '--json']);
    assert.equal(JSON.parse(second.stdout).cached, true);
    assert.equal(JSON.parse(second.stdout).answer, first.answer);
    // No fallback warning: lz4-napi and @surrealdb/node came from npm for this platform and loaded.
    assert.doesNotMatch(second.stderr, /cannot be loaded on/);
  });
});
