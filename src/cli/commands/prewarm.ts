import type { PrewarmOutcome } from '../../core/engine';
import { describeError } from '../../core/errors';
import { CliUsageError } from '../cliErrors';
import type { CliContext } from '../cliContext';
import { formatDollars } from '../../core/format/money';
import type { CliCommand } from './command';

export const prewarmCommand: CliCommand = {
  name: 'prewarm',
  usage: 'claude-cache prewarm [--from-usage [--max-usd N]] [--workspace DIR] [--json]',
  summary:
    'run the workflows listed in claudeCache.prewarm.workflows so their answers are cached; with --from-usage, ' +
    "this workspace's most often missed ones from the usage log, stopping before the dollar cap",
  options: {
    'from-usage': { type: 'boolean' },
    'max-usd': { type: 'string' },
  },
  async run(context) {
    if (context.values['from-usage'] === true) return prewarmFromUsage(context);
    if (context.values['max-usd'] !== undefined) throw new CliUsageError('--max-usd goes with --from-usage');
    const engine = await context.open();
    const items = engine.config.prewarm.workflows;
    if (items.length === 0) {
      context.io.stderr('nothing to prewarm: claudeCache.prewarm.workflows is empty in .vscode/settings.json\n');
      return context.json ? (context.printJson({ total: 0, done: 0, failed: 0, items: [] }), 0) : 0;
    }
    const outcomes = await engine.prewarm(context.workspace, items, { onProgress: progressPrinter(context), trustedWorkspace: context.trustedWorkspace });
    const failed = outcomes.filter((outcome) => outcome.error).length;
    if (context.json) {
      context.printJson({
        total: items.length,
        done: outcomes.length - failed,
        failed,
        items: outcomes.map(outcomeJson),
      });
    }
    return failed > 0 ? 1 : 0;
  },
};

async function prewarmFromUsage(context: CliContext): Promise<number> {
  const maxUsdText = context.values['max-usd'];
  let maxUsd: number | undefined;
  if (typeof maxUsdText === 'string') {
    maxUsd = Number(maxUsdText);
    if (maxUsdText.trim() === '' || !Number.isFinite(maxUsd) || maxUsd < 0) {
      throw new CliUsageError(`--max-usd takes a dollar amount of 0 or more, not ${JSON.stringify(maxUsdText)}`);
    }
  }
  const engine = await context.open();
  const controller = new AbortController();
  const cancel = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', cancel);
  try {
    const report = await engine.prewarmFromUsage(context.workspace, {
      ...(maxUsd !== undefined ? { maxUsd } : {}),
      signal: controller.signal,
      onProgress: progressPrinter(context),
      trustedWorkspace: context.trustedWorkspace,
    });
    const failed = report.outcomes.filter((outcome) => outcome.error).length;
    if (context.json) {
      context.printJson({
        candidates: report.candidates.length,
        done: report.outcomes.length - failed,
        failed,
        upstreamCalls: report.upstreamCalls,
        spentUsd: report.spentUsd,
        stoppedBy: report.stoppedBy,
        items: report.outcomes.map(outcomeJson),
        skipped: report.skipped.map((skip) => ({ workflow: skip.candidate.workflow, file: skip.candidate.file ?? null, reason: skip.reason })),
      });
    } else if (report.candidates.length === 0) {
      context.io.stderr('nothing to prewarm: the usage log has no missed runs for this workspace\n');
    } else {
      context.io.stderr(
        `prewarmed ${report.outcomes.length} of ${report.candidates.length}: ${report.upstreamCalls} Claude calls, ` +
          `${formatDollars(report.spentUsd)}${report.stoppedBy === 'done' ? '' : ` (stopped: ${report.stoppedBy})`}\n`,
      );
      for (const skip of report.skipped) context.io.stderr(`skipped ${skip.candidate.workflow}: ${skip.reason}\n`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', cancel);
  }
}

function progressPrinter(context: CliContext): (done: number, total: number, outcome: PrewarmOutcome) => void {
  return (done, total, outcome) => {
    if (context.json) return;
    const what = outcome.error
      ? `failed: ${describeError(outcome.error)}`
      : outcome.result?.cached
        ? 'already cached'
        : `cached now (${formatDollars(outcome.result?.costUsd ?? 0)})`;
    context.io.stderr(`[${done}/${total}] ${outcome.item.workflow}${outcome.item.file ? ` ${outcome.item.file}` : ''}: ${what}\n`);
  };
}

function outcomeJson(outcome: PrewarmOutcome): Record<string, unknown> {
  return {
    workflow: outcome.item.workflow,
    ...(outcome.error ? { error: describeError(outcome.error) } : { cached: outcome.result?.cached ?? false }),
  };
}
