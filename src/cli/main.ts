import { parseArgs } from 'node:util';
import { BudgetExceededError } from '../core/budget';
import { ClaudeAuthenticationError, ClaudeNetworkError } from '../core/claude/errors';
import { apiEndpoint, describeUnreachable } from '../core/format/networkTrouble';
import { CacheError, describeError } from '../core/errors';
import { EmptyPromptError, MissingInputsError, UnknownInputsError } from '../core/workflows';
import { CliContext, GLOBAL_OPTIONS, type CliIo, type ParsedValues } from './cliContext';
import { CliUsageError } from './cliErrors';
import { useImmediateFileOps } from '../core/io/fileOps';
import { directWriter } from './directWriter';
import { SECRET_ENVIRONMENT } from './environmentVariables';
import { EXIT_OVER_BUDGET, EXIT_REFUSED } from './exitCodes';
import type { CliCommand } from './commands/command';
import { invalidateCommand } from './commands/invalidate';
import { metricsCommand } from './commands/metrics';
import { archiveCommand } from './commands/archive';
import { similarCommand } from './commands/similar';
import { prewarmCommand } from './commands/prewarm';
import { runCommand } from './commands/run';
import { statsCommand } from './commands/stats';
import { workflowsCommand } from './commands/workflows';

const COMMANDS: readonly CliCommand[] = [
  runCommand,
  prewarmCommand,
  statsCommand,
  invalidateCommand,
  workflowsCommand,
  metricsCommand,
  archiveCommand,
  similarCommand,
];

function helpText(): string {
  const lines = ['claude-cache: the Claude Prompt Cache engine, headless', '', 'commands:'];
  for (const command of COMMANDS) lines.push(`  ${command.usage}`, `      ${command.summary}`);
  lines.push(
    '',
    "config: your VS Code user settings.json (or the file CLAUDE_CACHE_USER_SETTINGS names), then the workspace's",
    '.vscode/settings.json (claudeCache.*), then ANTHROPIC_BASE_URL, CLAUDE_CACHE_REDIS_URL, CLAUDE_CACHE_REDIS_KEY_PREFIX,',
    'CLAUDE_CACHE_REDIS_MODE (standalone|cluster|sentinel), CLAUDE_CACHE_REDIS_NODES (host:port,host:port),',
    'CLAUDE_CACHE_REDIS_SENTINEL_NAME, CLAUDE_CACHE_SURREAL_URL, CLAUDE_CACHE_SURREAL_USERNAME, CLAUDE_CACHE_STORAGE_DIR,',
    'then --model, --max-tokens, --temperature, --redis-url, --surreal-url, --storage-dir. The API key comes from',
    'ANTHROPIC_API_KEY only. The workspace does not choose the API URL, the Redis and SurrealDB settings or the storage',
    'folder unless trusted: --trust-workspace or CLAUDE_CACHE_TRUST_WORKSPACE=1 (never on untrusted pull requests).',
    `secrets come from the environment only: ${Object.values(SECRET_ENVIRONMENT).join(', ')}.`,
    '',
    `exit codes: 0 done (a cut-off answer warns on stderr), 1 failed, 2 usage error, missing argument or no API key,`,
    `${EXIT_OVER_BUDGET} over a budget cap, ${EXIT_REFUSED} Claude declined to answer`,
    '(claudeCache.budget.dailyUsd / perWorkflowUsd; `run --over-budget` runs anyway).',
  );
  return lines.join('\n');
}

/** Runs one command line; resolves to the exit code. Never throws: every failure becomes one clear line. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${helpText()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr(`claude-cache: unknown command ${JSON.stringify(name)}\n\n${helpText()}\n`);
    return 2;
  }
  let context: CliContext | undefined;
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help === true) {
      io.stdout(`usage: ${command.usage}\n${command.summary}\n`);
      return 0;
    }
    context = new CliContext(io, parsed.values as ParsedValues, parsed.positionals);
    return await command.run(context);
  } catch (error) {
    return reportFailure(error, command, io, context);
  } finally {
    await context?.close().catch((error: unknown) => io.stderr(`claude-cache: closing the cache failed: ${describeError(error)}\n`));
  }
}

export { EXIT_OVER_BUDGET, EXIT_REFUSED };

function reportFailure(error: unknown, command: CliCommand, io: CliIo, context?: CliContext): number {
  if (error instanceof ClaudeNetworkError) {
    // Where it tried and what chose that address, with the cause (DNS, refused, TLS, timeout), as the editor says it.
    // ANTHROPIC_BASE_URL reaches the config as apiBaseUrl: name the variable when that is where the address came from.
    const configured = context?.loadedConfig?.config.apiBaseUrl ?? '';
    const fromEnv = io.env.ANTHROPIC_BASE_URL?.trim();
    const endpoint = apiEndpoint(fromEnv !== undefined && fromEnv === configured ? '' : configured, io.env);
    io.stderr(`claude-cache: ${describeUnreachable(endpoint, error)}\n`);
    return 1;
  }
  if (error instanceof CliUsageError || isParseArgsError(error)) {
    io.stderr(`claude-cache ${command.name}: ${describeError(error)}\nusage: ${command.usage}\n`);
    return 2;
  }
  // A missing or misspelled `--arg` and an empty prompt are the caller's to fix, like a usage error: exit 2.
  if (
    error instanceof ClaudeAuthenticationError ||
    error instanceof EmptyPromptError ||
    error instanceof MissingInputsError ||
    error instanceof UnknownInputsError
  ) {
    io.stderr(`claude-cache: ${error.message}\n`);
    return 2;
  }
  if (error instanceof BudgetExceededError) {
    io.stderr(`claude-cache: ${error.message} (--over-budget runs it anyway)\n`);
    return EXIT_OVER_BUDGET;
  }
  if (error instanceof CacheError) {
    io.stderr(`claude-cache: ${error.message}\n`);
    return 1;
  }
  io.stderr(`claude-cache: unexpected failure: ${describeError(error)}\n`);
  return 1;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** Runs the command line of this process and sets its exit code (the `claude-cache` launcher calls this). */
export function runFromProcess(): void {
  // One command, then exit: the bookkeeping files are read and written at once (see fileOps.ts).
  useImmediateFileOps();
  void runCli(process.argv.slice(2), {
    // Windows consoles take text through the stream (WriteConsoleW), not as bytes written to the descriptor.
    stdout: process.platform === 'win32' ? (text) => process.stdout.write(text) : directWriter(1, () => process.stdout),
    stderr: process.platform === 'win32' ? (text) => process.stderr.write(text) : directWriter(2, () => process.stderr),
    env: process.env,
    cwd: process.cwd(),
  }).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) runFromProcess();
