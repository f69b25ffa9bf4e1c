import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';

/** `--help` and `workflows` answer without opening any store: no SurrealDB folder appears in the storage folder. */
describe('CLI: commands that need no cache open no store', () => {
  let root: string;
  let storage: string;
  let workspace: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cli-no-store-'));
    storage = path.join(root, 'storage');
    workspace = path.join(root, 'workspace');
    mkdirSync(workspace);
    writeFileSync(path.join(root, 'user-settings.json'), '{}');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: { CLAUDE_CACHE_STORAGE_DIR: storage, CLAUDE_CACHE_USER_SETTINGS: path.join(root, 'user-settings.json') },
      cwd: workspace,
    });
    return { code, stdout, stderr };
  }

  it('--help prints the commands and leaves the storage folder untouched', async () => {
    const { code, stdout } = await cli('--help');
    assert.equal(code, 0);
    assert.match(stdout, /claude-cache: the Claude Prompt Cache engine/);
    assert.equal(existsSync(storage), false);
  });

  it('workflows lists the built-ins and leaves the storage folder untouched', async () => {
    const { code, stdout } = await cli('workflows');
    assert.equal(code, 0);
    assert.match(stdout, /review-file/);
    assert.equal(existsSync(storage), false);
  });

  it('stats, which reads the cache, does open SurrealDB in the storage folder (the check above can fail)', async () => {
    const { code } = await cli('stats', '--json');
    assert.equal(code, 0);
    assert.equal(existsSync(path.join(storage, 'surreal')), true);
  });
});
