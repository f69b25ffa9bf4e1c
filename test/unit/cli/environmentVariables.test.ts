import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_ENVIRONMENT } from '../../../src/cli/environmentVariables';
import { runCli } from '../../../src/cli/main';
import { REPO_ROOT } from '../../helpers/repoRoot';

const repo = REPO_ROOT;

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The one list of environment variables (src/cli/environmentVariables.ts) against what reads and documents them. */
describe('the CLI environment variables', () => {
  it('are all named by --help and by the README', async () => {
    let help = '';
    await runCli(['--help'], { stdout: (text) => (help += text), stderr: () => undefined, env: {}, cwd: repo });
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    for (const name of CLI_ENVIRONMENT) {
      assert.ok(help.includes(name), `--help names ${name}`);
      assert.ok(readme.includes(name), `README names ${name}`);
    }
  });

  it('list every variable the CLI and the settings readers use', () => {
    const used = new Set<string>();
    for (const file of [...sources(join(repo, 'src', 'cli')), join(repo, 'src', 'core', 'config', 'readers.ts')]) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\b(?:CLAUDE_CACHE|ANTHROPIC)_[A-Z_]+\b/g)) used.add(match[0]);
    }
    assert.deepEqual([...used].filter((name) => !CLI_ENVIRONMENT.includes(name)).sort(), []);
  });
});
