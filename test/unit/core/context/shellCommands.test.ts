import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DEFAULT_CONTEXT_LIMITS,
  ShellCommandFailedError,
  ShellCommandNotAllowedError,
  ShellCommandTimeoutError,
  ShellCommandsUntrustedError,
  assertShellCommandsMayRun,
  bashRulesFrom,
  buildSnapshot,
  checkCommandAgainstRules,
  checkSnapshot,
  describeChangedPart,
  sha256,
  truncationMarker,
  type SnapshotRequest,
} from '../../../../src/core/context';
import { parseCommand } from '../../../../src/core/context/shellSyntax';
import { git, gitCeilingPerSuite } from '../../../helpers/gitRepository';
import { commandEnvironment } from '../../../../src/core/context/shellCommand';

/** Runs real git in a throwaway repository, with an identity and no signing, whatever the machine's config. */
async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

describe('Bash rules from allowed-tools (code.claude.com/docs/en/permissions, "Wildcard patterns")', () => {
  const allows = (rule: string, command: string): boolean => checkCommandAgainstRules(command, bashRulesFrom([rule])).allowed;

  it('matches the rows of the documented table', () => {
    assert.equal(allows('Bash(npm run build)', 'npm run build'), true);
    assert.equal(allows('Bash(npm run build)', 'npm run build --watch'), false);
    assert.equal(allows('Bash(npm run *)', 'npm run test --watch'), true);
    assert.equal(allows('Bash(npm run *)', 'npm run'), true, 'a trailing " *" also matches the bare command');
    assert.equal(allows('Bash(npm run *)', 'npm install'), false);
    assert.equal(allows('Bash(git log * main)', 'git log --oneline main'), true);
    assert.equal(allows('Bash(git log * main)', 'git log main'), false);
    assert.equal(allows('Bash(* --version)', 'node --version'), true);
    assert.equal(allows('Bash(* --version)', 'node -v'), false);
    assert.equal(allows('Bash(ls *)', 'ls'), true);
    assert.equal(allows('Bash(ls *)', 'lsof'), false, 'the space before * is part of the rule');
    assert.equal(allows('Bash(ls*)', 'lsof'), true);
    assert.equal(allows('Bash(* --help *)', 'npm --help x'), true);
    assert.equal(allows('Bash(* --help *)', 'npm --help'), false, 'only a lone trailing * matches the bare command');
  });

  it('reads the legacy :* suffix as a trailing " *", and only at the end', () => {
    assert.equal(allows('Bash(git status:*)', 'git status'), true);
    assert.equal(allows('Bash(git status:*)', 'git status --short'), true);
    assert.equal(allows('Bash(git status:*)', 'git statusx'), false);
    assert.equal(allows('Bash(git:* push)', 'git push'), false, 'a :* in the middle is literal');
  });

  it('takes Bash and Bash(*) as every command, even one it cannot split', () => {
    assert.equal(allows('Bash', 'echo $(whoami) > out.txt'), true);
    assert.equal(allows('Bash(*)', 'anything at all'), true);
  });

  it('finds rules in comma- and space-separated lists, and literal parentheses inside them', () => {
    const rules = bashRulesFrom(['Read, Bash(git add *) Bash(git status *),Grep', 'Bash(echo (hi))']);
    assert.deepEqual(rules.map((rule) => rule.written), ['Bash(git add *)', 'Bash(git status *)', 'Bash(echo (hi))']);
    assert.equal(rules[2]?.matches('echo (hi)'), true);
    assert.deepEqual(bashRulesFrom(['BashOutput', 'MyBash(x)', 'Read']), [], 'only the Bash tool counts');
  });

  it('requires every command of a compound command to be allowed, and names the one that is not', () => {
    const rules = bashRulesFrom(['Bash(git status:*)']);
    assert.equal(checkCommandAgainstRules('git status && git status --short', rules).allowed, true);
    const verdict = checkCommandAgainstRules('git status --short && touch created.txt', rules);
    assert.equal(verdict.allowed, false);
    assert.ok(!verdict.allowed && verdict.reason.includes('`touch created.txt`'));
    assert.ok(!verdict.allowed && verdict.neededPattern === 'Bash(touch created.txt)');
    for (const separator of ['||', ';', '|', '|&', '&', '\n']) {
      assert.equal(checkCommandAgainstRules(`git status${separator}rm -rf x`, rules).allowed, false, JSON.stringify(separator));
    }
  });

  it('refuses what it cannot check: substitutions, subshells, here-documents, writes through a redirection', () => {
    const rules = bashRulesFrom(['Bash(git status:*)', 'Bash(echo *)']);
    for (const command of ['echo $(rm -rf x)', 'echo `rm -rf x`', 'echo "$(rm x)"', '(rm x)', 'echo <(rm x)', 'cat <<EOF', 'git status > out.txt', 'git status >> out.txt', "echo 'unclosed", 'git status &&']) {
      assert.equal(checkCommandAgainstRules(command, rules).allowed, false, command);
    }
  });

  it('matches past harmless redirections (descriptor copies, /dev/null) and keeps quotes as written', () => {
    const rules = bashRulesFrom(['Bash(git status:*)', "Bash(echo 'a;b')"]);
    assert.equal(checkCommandAgainstRules('git status --short 2>&1', rules).allowed, true);
    assert.equal(checkCommandAgainstRules('git status 2>/dev/null', rules).allowed, true);
    assert.equal(checkCommandAgainstRules("echo 'a;b'", rules).allowed, true, 'a separator inside quotes splits nothing');
    assert.deepEqual(parseCommand('a | b 2>&1; c\n'), { ok: true, subcommands: ['a', 'b', 'c'], separators: ['|', ';'] });
  });
});

describe('`!` commands as context parts', function () {
  this.timeout(20_000);
  let root: string;
  let workspace: string;
  gitCeilingPerSuite();

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'context-shell-'));
    workspace = path.join(root, 'repo');
    await mkdir(path.join(workspace, 'src'), { recursive: true });
    git(workspace, 'init', '--quiet');
    await writeFile(path.join(workspace, 'src/a.ts'), 'export const a = 1;\n');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '--quiet', '-m', 'initial');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const request = (shellCommands: string[], allowedTools: string[], extra: Partial<SnapshotRequest> = {}): SnapshotRequest => ({
    workspace,
    reads: [],
    shellCommands,
    allowedTools,
    trustedWorkspace: true,
    ...extra,
  });

  it('runs an allowed `git status --short` in the workspace and keeps its output as a part', async () => {
    await writeFile(path.join(workspace, 'src/a.ts'), 'export const a = 2;\n');
    const snapshot = await buildSnapshot(request(['git status --short'], ['Bash(git status:*)']));
    assert.equal(snapshot.parts.length, 1);
    const [part] = snapshot.parts;
    assert.equal(part?.kind, 'shell');
    assert.equal(part?.id, 'git status --short');
    assert.equal(part?.content, ' M src/a.ts\n');
    assert.equal(part?.hash, sha256(' M src/a.ts\n'));
  });

  it('makes an untracked file added afterwards a change naming the command', async () => {
    const current = { shellCommands: ['git status --short'], allowedTools: ['Bash(git status:*)'], trustedWorkspace: true };
    const snapshot = await buildSnapshot(request(current.shellCommands, current.allowedTools));
    assert.equal((await checkSnapshot(snapshot, current)).fresh, true, 'nothing moved yet');

    await writeFile(path.join(workspace, 'notes.txt'), 'new\n');
    const check = await checkSnapshot(snapshot, current);
    assert.equal(check.fresh, false);
    assert.deepEqual(check.changed.map(describeChangedPart), ['output of `git status --short` changed']);
  });

  it('enters the snapshot hash, so another output is another context', async () => {
    const before = await buildSnapshot(request(['git status --short'], ['Bash(git status:*)']));
    await writeFile(path.join(workspace, 'notes.txt'), 'new\n');
    const after = await buildSnapshot(request(['git status --short'], ['Bash(git status:*)']));
    assert.notEqual(before.hash, after.hash);
  });

  it('refuses a command allowed-tools does not allow, naming it and the rule it needs, and never runs it', async () => {
    const created = path.join(workspace, 'created.txt');
    await assert.rejects(buildSnapshot(request(['git status --short', 'touch created.txt'], ['Bash(git status:*)'])), (error: unknown) => {
      assert.ok(error instanceof ShellCommandNotAllowedError);
      assert.equal(error.code, 'E_CONTEXT_SHELL_NOT_ALLOWED');
      assert.equal(error.command, 'touch created.txt');
      assert.equal(error.neededPattern, 'Bash(touch created.txt)');
      assert.match(error.message, /`touch created\.txt`.*Bash\(git status:\*\).*add Bash\(touch created\.txt\) to allowed-tools/);
      return true;
    });
    assert.equal(await exists(created), false, 'the command was never run');
  });

  it('refuses a compound command that smuggles another program, and runs none of it', async () => {
    await assert.rejects(
      buildSnapshot(request(['git status --short && touch created.txt'], ['Bash(git status:*)'])),
      ShellCommandNotAllowedError,
    );
    await assert.rejects(buildSnapshot(request(['git status --short > created.txt'], ['Bash(git status:*)'])), ShellCommandNotAllowedError);
    assert.equal(await exists(path.join(workspace, 'created.txt')), false);
  });

  it('refuses every command in an untrusted workspace before running any, however allowed', async () => {
    const untrusted = request(['touch created.txt'], ['Bash']);
    for (const trustedWorkspace of [false, undefined]) {
      await assert.rejects(buildSnapshot({ ...untrusted, trustedWorkspace }), (error: unknown) => {
        assert.ok(error instanceof ShellCommandsUntrustedError);
        assert.equal(error.code, 'E_CONTEXT_SHELL_UNTRUSTED');
        assert.match(error.message, /`touch created\.txt`.*trust the workspace/);
        return true;
      });
    }
    assert.throws(() => assertShellCommandsMayRun({ shellCommands: ['touch created.txt'], allowedTools: ['Bash'], trustedWorkspace: false }), ShellCommandsUntrustedError);
    assert.equal(await exists(path.join(workspace, 'created.txt')), false);
  });

  it('re-checks with the same rules: untrusted now, or no longer allowed, refuses without running', async () => {
    const snapshot = await buildSnapshot(request(['touch created.txt'], ['Bash(touch *)']));
    await rm(path.join(workspace, 'created.txt'));
    await assert.rejects(
      checkSnapshot(snapshot, { shellCommands: ['touch created.txt'], allowedTools: ['Bash(touch *)'], trustedWorkspace: false }),
      ShellCommandsUntrustedError,
    );
    await assert.rejects(
      checkSnapshot(snapshot, { shellCommands: ['touch created.txt'], allowedTools: ['Bash(git status:*)'], trustedWorkspace: true }),
      ShellCommandNotAllowedError,
    );
    await assert.rejects(checkSnapshot(snapshot), ShellCommandsUntrustedError, 'a caller that says nothing is not trusted');
    assert.equal(await exists(path.join(workspace, 'created.txt')), false);
  });

  it('treats a workflow that now runs other commands as a change, without running the old ones', async () => {
    const snapshot = await buildSnapshot(request(['git status --short'], ['Bash(git status:*)', 'Bash(touch *)']));
    const check = await checkSnapshot(snapshot, { shellCommands: ['touch created.txt'], allowedTools: ['Bash(touch *)'], trustedWorkspace: true });
    assert.equal(check.fresh, false);
    assert.deepEqual(check.changed.map(describeChangedPart), ['the workflow now runs `touch created.txt`']);
    assert.equal(await exists(path.join(workspace, 'created.txt')), false, 'checking never runs the new command');
  });

  it('stops a command past its time limit, with its children, and refuses the run', async () => {
    const started = Date.now();
    await assert.rejects(
      buildSnapshot(request(['sleep 30'], ['Bash(sleep *)'], { limits: { shellTimeoutMs: 300 } })),
      (error: unknown) => error instanceof ShellCommandTimeoutError && error.command === 'sleep 30',
    );
    assert.ok(Date.now() - started < 10_000, 'did not wait for the command');
  });

  it('cuts output off at the cap with a marker, and stops the command', async () => {
    const max = 1000;
    const snapshot = await buildSnapshot(request(['yes'], ['Bash(yes)'], { limits: { maxShellOutputBytes: max } }));
    const content = snapshot.parts[0]?.content ?? '';
    assert.equal(content, `${'y\n'.repeat(max / 2)}\n${truncationMarker(max)}`);
  });

  it('fails the run on a non-zero exit with what the command printed, except exit 1 of a search', async () => {
    await assert.rejects(buildSnapshot(request(['git log --oneline -1 nope'], ['Bash(git log *)'])), (error: unknown) => {
      assert.ok(error instanceof ShellCommandFailedError);
      assert.match(error.message, /exited with status 128/);
      return true;
    });
    const snapshot = await buildSnapshot(request(['grep -r nothing-like-this src'], ['Bash(grep *)']));
    assert.equal(snapshot.parts[0]?.content, '', 'grep finding nothing is a result');
  });

  it('runs in the workspace folder with a minimal environment: no API key, no CLAUDE_CACHE_ secrets, no stdin', async () => {
    const saved = { key: process.env.ANTHROPIC_API_KEY, secret: process.env.CLAUDE_CACHE_REDIS_PASSWORD };
    process.env.ANTHROPIC_API_KEY = 'sk-ant-test-must-not-leak';
    process.env.CLAUDE_CACHE_REDIS_PASSWORD = 'redis-secret-must-not-leak';
    try {
      const snapshot = await buildSnapshot(request(['pwd', 'env', 'cat'], ['Bash(pwd)', 'Bash(env)', 'Bash(cat)']));
      const [pwd, env, stdin] = snapshot.parts.map((part) => part.content);
      assert.equal(pwd?.trim(), await realpath(workspace));
      assert.ok(!env?.includes('must-not-leak'), env);
      assert.match(env ?? '', /^PATH=/m, 'programs can still be found');
      assert.equal(stdin, '', 'stdin is empty, so nothing waits for input');
    } finally {
      if (saved.key === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved.key;
      if (saved.secret === undefined) delete process.env.CLAUDE_CACHE_REDIS_PASSWORD;
      else process.env.CLAUDE_CACHE_REDIS_PASSWORD = saved.secret;
    }
    assert.deepEqual(Object.keys(commandEnvironment({ PATH: '/bin', ANTHROPIC_API_KEY: 'x', CLAUDE_CACHE_TOKEN: 'y', HOME: '/h' })).sort(), [
      'GIT_OPTIONAL_LOCKS',
      'GIT_TERMINAL_PROMPT',
      'HOME',
      'PATH',
    ]);
  });

  it('runs nothing for a workflow without commands, trusted or not', async () => {
    const snapshot = await buildSnapshot({ workspace, reads: [], shellCommands: [], trustedWorkspace: false });
    assert.deepEqual(snapshot.parts, []);
    assert.equal(DEFAULT_CONTEXT_LIMITS.shellTimeoutMs, 10_000);
    assert.equal(DEFAULT_CONTEXT_LIMITS.maxShellOutputBytes, 256 * 1024);
  });
});
