import { childProcessModule } from '../lazy/lazyModules';
import { accessSync, constants } from 'node:fs';
import { ShellCommandFailedError, ShellCommandTimeoutError } from './errors';
import { parseCommand } from './shellSyntax';

/**
 * Runs one `` !`cmd` `` command the way Claude Code runs a skill's injected commands, within tighter bounds
 * (https://code.claude.com/docs/en/skills, "Inject dynamic context", "How injected commands run" and "When an
 * injected command fails", stored copy fetched 2026-10-08, seen 2026-12-06):
 * - through bash (Claude Code uses its Bash tool when bash is available), `bash -c <command>`, the command
 *   verbatim; /bin/sh where there is no bash;
 * - stderr merged into the output ("with the default bash shell, Claude Code merges stderr into stdout"); here
 *   the two pipes are interleaved in arrival order;
 * - a non-zero exit fails the whole run ("A failed command aborts the entire skill invocation"), except exit 1
 *   of a search or comparison command, which reports a result (no match, files differ);
 * - in the workspace folder (Claude Code uses the session's working directory, which starts there), with no
 *   stdin, and with a minimal environment: API keys and this extension's own settings never reach the child.
 * Bounds: a timeout (Claude Code allows 2 minutes; these run before every cache lookup, so ours is shorter),
 * after which the command's whole process group is killed and the run refused; and an output cap, past which
 * the output is cut off with a marker and the command stopped (Claude Code moves long output to a file, which
 * a prompt sent to the API cannot follow).
 */
export interface ShellRunOptions {
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  /** The environment to take the allowed variables from; process.env by default. */
  environment?: Readonly<Record<string, string | undefined>>;
}

/** What the command printed (stdout and stderr), cut off with a marker past the cap. */
export async function runShellCommand(command: string, options: ShellRunOptions): Promise<string> {
  const { bytes, truncated, exit } = await spawnBounded(command, options);
  if (exit.kind === 'timeout') throw new ShellCommandTimeoutError(command, options.timeoutMs);
  const output = decodeUpTo(bytes, options.maxOutputBytes);
  if (truncated) return `${output}\n${truncationMarker(options.maxOutputBytes)}`;
  if (exit.kind === 'error') throw new ShellCommandFailedError(command, `could not be started: ${exit.error.message}`, '', { cause: exit.error });
  if (exit.kind === 'signal') throw new ShellCommandFailedError(command, `was stopped by ${exit.signal}`, excerpt(output));
  if (exit.code === 0 || (exit.code === 1 && exitOneIsAResult(command))) return output;
  throw new ShellCommandFailedError(command, `exited with status ${exit.code}`, excerpt(output));
}

/** The line that ends output cut off at the cap, so the prompt (and the user) can tell it is partial. */
export function truncationMarker(maxBytes: number): string {
  return `[output cut off: the command printed more than ${maxBytes.toLocaleString('en-US')} bytes; only the first ones are shown]`;
}

/**
 * Commands whose exit status 1 is an answer, not a failure (grep: no match; diff, cmp: the inputs differ;
 * test: false; find: some folders unreadable). Claude Code keeps such a list for its Bash tool and applies it
 * to injected commands; it counts only when the command is one simple command or a pipeline ending in it,
 * since after `;`, `&&` or `||` the status may come from another command.
 */
const EXIT_ONE_IS_A_RESULT = new Set(['grep', 'egrep', 'fgrep', 'rg', 'diff', 'cmp', 'test', '[', 'find']);

function exitOneIsAResult(command: string): boolean {
  const parsed = parseCommand(command);
  if (!parsed.ok || parsed.separators.some((separator) => separator !== '|' && separator !== '|&')) return false;
  const program = parsed.subcommands[parsed.subcommands.length - 1]?.split(' ')[0] ?? '';
  return EXIT_ONE_IS_A_RESULT.has(program);
}

/**
 * Variables a command may need to behave as in the user's terminal (find programs, its home, its language);
 * nothing else is passed, so ANTHROPIC_API_KEY, CLAUDE_CACHE_* (Redis passwords, tokens) and any other secret in
 * this process's environment never reach it.
 */
const PASSED_VARIABLES = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TZ', 'TMPDIR',
  // Windows: without these, programs cannot find the system or a temporary folder.
  'SystemRoot', 'ComSpec', 'PATHEXT', 'TEMP', 'TMP', 'USERPROFILE', 'HOMEDRIVE', 'HOMEPATH',
];

export function commandEnvironment(source: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_VARIABLES) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  // git must never wait for a password nobody can type, nor take index.lock from under the user's own git.
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  return env;
}

type Exit =
  | { kind: 'code'; code: number }
  | { kind: 'signal'; signal: string }
  | { kind: 'timeout' }
  | { kind: 'error'; error: Error };

interface BoundedRun {
  bytes: Buffer;
  truncated: boolean;
  exit: Exit;
}

function spawnBounded(command: string, options: ShellRunOptions): Promise<BoundedRun> {
  return new Promise((resolve) => {
    const isWindows = process.platform === 'win32';
    const child = childProcessModule().spawn(shellProgram(), ['-c', command], {
      cwd: options.cwd,
      env: commandEnvironment(options.environment ?? process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout also stops what the command started (`sleep` under `sh -c`).
      detached: !isWindows,
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let timedOut = false;
    let settled = false;

    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        if (isWindows) child.kill('SIGKILL');
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const take = (chunk: Buffer): void => {
      if (truncated) return;
      chunks.push(chunk);
      kept += chunk.length;
      if (kept > options.maxOutputBytes) {
        truncated = true;
        killGroup();
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const finish = (exit: Exit): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Whatever the command left running in the background goes with it.
      killGroup();
      resolve({ bytes: Buffer.concat(chunks), truncated, exit: timedOut && !truncated ? { kind: 'timeout' } : exit });
    };

    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => finish({ kind: 'error', error }));
    child.on('close', (code, signal) => {
      finish(code !== null ? { kind: 'code', code } : { kind: 'signal', signal: signal ?? 'a signal' });
    });
  });
}

let cachedShell: string | undefined;

/** bash, as Claude Code prefers; /bin/sh on systems without it. */
function shellProgram(): string {
  if (cachedShell) return cachedShell;
  if (process.platform === 'win32') {
    cachedShell = 'bash';
    return cachedShell;
  }
  for (const candidate of ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash']) {
    try {
      accessSync(candidate, constants.X_OK);
      cachedShell = candidate;
      return candidate;
    } catch {
      // Try the next.
    }
  }
  cachedShell = '/bin/sh';
  return cachedShell;
}

/** The first `maxBytes` bytes as text, never ending in half a UTF-8 character (so the cut is stable). */
function decodeUpTo(bytes: Buffer, maxBytes: number): string {
  if (bytes.length <= maxBytes) return bytes.toString('utf8');
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character the cut fell in.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/** Enough of a failed command's output to see why, without flooding the error. */
function excerpt(output: string): string {
  const lines = output.trimEnd().split('\n');
  const kept = lines.slice(-20).join('\n');
  return kept.length > 4000 ? kept.slice(-4000) : kept;
}
