import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { builtCliPath, cliSandboxEnv, openCliSandbox, type CliSandbox } from '../helpers/builtCli';

/**
 * The `claude-cache` launcher loads the CLI's bundle with V8's code cache (src/cli/codeCache.ts): the cache is
 * written after a command ran, used by the next start of that command, refused and written again when it does not
 * fit, and a bundle run from it still loads SurrealDB's ESM packages.
 */
describe('claude-cache launcher with V8 code cache (built dist/cli.js)', function () {
  this.timeout(180_000);
  let sandbox: CliSandbox;
  let cacheDir: string;

  before(async () => {
    sandbox = await openCliSandbox('claude-cache-code-cache-');
    // The sandbox's HOME is its root: the cache goes to ~/.cache as it would for a user.
    cacheDir = join(sandbox.root, '.cache', 'claude-prompt-cache', 'code-cache');
  });

  after(async () => {
    await sandbox?.close();
  });

  const execNode = (args: string[]) =>
    promisify(execFile)(process.execPath, args, { cwd: sandbox.root, env: cliSandboxEnv(sandbox.root, sandbox.fake.url) });
  const cacheFiles = async (profile: string) => (await readdir(cacheDir)).filter((name) => name.endsWith(`-${profile}.v8`));

  it('writes one cache per command after it ran, and a start that reads it prints the same', async () => {
    const first = await sandbox.run(['workflows']);
    const [file] = await cacheFiles('workflows');
    assert.ok(file, 'the cache of `workflows` was written');
    assert.equal((await stat(join(cacheDir, file))).mode & 0o777, 0o600);
    const written = await stat(join(cacheDir, file));
    const second = await sandbox.run(['workflows']);
    assert.equal(second.stdout, first.stdout);
    assert.equal(second.stderr, first.stderr);
    assert.equal((await stat(join(cacheDir, file))).mtimeMs, written.mtimeMs, 'a cache V8 accepted is not written again');
  });

  it('opens SurrealDB from a bundle restored from the cache (its ESM import goes through the launcher)', async () => {
    for (let start = 0; start < 2; start++) {
      const { stdout, stderr } = await sandbox.run(['stats']);
      assert.doesNotMatch(stderr, /warning/, `start ${start + 1}: ${stderr}`);
      assert.match(stdout, /^surreal +up/m, `start ${start + 1}`);
    }
    assert.equal((await cacheFiles('stats')).length, 1);
  });

  it('compiles as usual when the cache is damaged, and writes it again', async () => {
    await sandbox.run(['workflows']);
    const [file] = await cacheFiles('workflows');
    assert.ok(file);
    await writeFile(join(cacheDir, file), 'not V8 code cache data');
    const { stdout } = await sandbox.run(['workflows']);
    assert.match(stdout, /review-file/);
    assert.notEqual(await readFile(join(cacheDir, file), 'utf8'), 'not V8 code cache data', 'written again');
  });

  it('keeps a cache per set of Node options, so alternating them does not throw either away', async () => {
    await sandbox.run(['workflows']);
    const plain = await cacheFiles('workflows');
    const { stdout } = await execNode(['--no-warnings', builtCliPath, 'workflows', '--workspace', sandbox.workspace]);
    assert.match(stdout, /review-file/);
    const both = await cacheFiles('workflows');
    assert.equal(both.length, plain.length + 1, both.join(', '));
    assert.ok(plain.every((name) => both.includes(name)), 'the plain run’s cache is still there');
  });
});
