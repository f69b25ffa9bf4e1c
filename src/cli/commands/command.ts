import type { CliContext, OptionSpec } from '../cliContext';

/** One `claude-cache <name>` subcommand. */
export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  options: OptionSpec;
  /** Resolves to the process exit code. */
  run(context: CliContext): Promise<number>;
}
