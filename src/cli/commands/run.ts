import { CliUsageError } from '../cliErrors';
import { formatTraceText } from '../../core/trace';
import { assertInputsGiven } from '../../core/workflows';
import { EXIT_REFUSED } from '../exitCodes';
import { formatDollars } from '../../core/format/money';
import type { CliCommand } from './command';

export const runCommand: CliCommand = {
  name: 'run',
  usage:
    'claude-cache run <workflow> [words...] [--arg name=value]... [--file PATH] [--selection TEXT] [--fresh] [--trace] [--over-budget] [--json] [--workspace DIR]',
  summary: 'run a workflow: from the cache when its inputs are unchanged, otherwise through Claude',
  options: {
    arg: { type: 'string', multiple: true },
    file: { type: 'string' },
    selection: { type: 'string' },
    fresh: { type: 'boolean' },
    /** The lookup trace: on stderr after the answer, or as `trace` in the --json object. */
    trace: { type: 'boolean' },
    'over-budget': { type: 'boolean' },
  },
  async run(context) {
    // The words after the workflow name are its arguments. The shell has already split and unquoted them, so
    // `$ARGUMENTS` is those words joined by single spaces: `run migrate "Search Bar" React` gives
    // `$0` = `Search Bar` and `$ARGUMENTS` = `Search Bar React` (Claude Code would keep the quotes it was typed with).
    const [workflow, ...words] = context.positionals;
    if (!workflow) throw new CliUsageError('name the workflow to run (see `claude-cache workflows`)');
    const inputs: Record<string, string> = {};
    for (const pair of (context.values.arg as string[] | undefined) ?? []) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new CliUsageError(`--arg takes name=value, not ${JSON.stringify(pair)}`);
      inputs[pair.slice(0, at)] = pair.slice(at + 1);
    }
    const engine = await context.open();
    // Every `${input:...}` needs a value (a placeholder is only a hint): refused here, before any lookup or call.
    assertInputsGiven(await engine.pipeline.resolveWorkflow(context.workspace, workflow), inputs);
    const controller = new AbortController();
    const cancel = () => controller.abort(new Error('interrupted'));
    process.once('SIGINT', cancel);
    try {
      const result = await engine.pipeline.run({
        trustedWorkspace: context.trustedWorkspace,
        workflow,
        workspace: context.workspace,
        params: { args: words, inputs },
        ...(typeof context.values.file === 'string' ? { filePath: context.values.file } : {}),
        ...(typeof context.values.selection === 'string' ? { selection: context.values.selection } : {}),
        fresh: context.values.fresh === true,
        ...(context.values['over-budget'] === true ? { confirmOverBudget: () => true } : {}),
        signal: controller.signal,
        ...(context.json ? {} : { onText: (chunk: string) => context.io.stdout(chunk), replayWhole: true }),
      });
      // A refusal fails the command; a cut-off answer is delivered with a warning. Neither was cached.
      const exitCode = result.stopReason === 'refusal' ? EXIT_REFUSED : 0;
      if (result.modelWarning) context.io.stderr(`warning: ${result.modelWarning}\n`);
      if (context.json) {
        context.printJson({
          text: result.text,
          stopReason: result.stopReason,
          ...(result.stopNote ? { stopNote: result.stopNote } : {}),
          cached: result.cached,
          layer: result.layer,
          usage: result.usage,
          costUsd: result.costUsd,
          savedUsd: result.savedUsd,
          ...(context.values.trace === true ? { trace: result.trace } : {}),
        });
        if (result.stopNote) context.io.stderr(`warning: ${result.stopNote}\n`);
        return exitCode;
      }
      if (!result.text.endsWith('\n')) context.io.stdout('\n');
      if (result.stopNote) context.io.stderr(`warning: ${result.stopNote}\n`);
      const summary = result.cached
        ? `cached (${result.layer} layer) · saved ${formatDollars(result.savedUsd)}`
        : `called Claude (${result.model}) · cost ${formatDollars(result.costUsd)}` +
          (result.savedUsd > 0 ? ` · saved ${formatDollars(result.savedUsd)}` : '') +
          (result.missReasons.length ? ` · missed because ${result.missReasons.join('; ')}` : '');
      context.io.stderr(`${summary}\n`);
      if (context.values.trace === true && result.trace) context.io.stderr(`${formatTraceText(result.trace)}\n`);
      return exitCode;
    } finally {
      process.removeListener('SIGINT', cancel);
    }
  },
};
