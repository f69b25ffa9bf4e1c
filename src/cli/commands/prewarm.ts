import { describeError } from '../../core/errors';
import { formatDollars } from '../format';
import type { CliCommand } from './command';

export const prewarmCommand: CliCommand = {
  name: 'prewarm',
  usage: 'claude-cache prewarm [--workspace DIR] [--json]',
  summary: 'run the workflows listed in claudeCache.prewarm.workflows so their answers are cached',
  options: {},
  async run(context) {
    const engine = await context.open();
    const items = engine.config.prewarm.workflows;
    if (items.length === 0) {
      context.io.stderr('nothing to prewarm: claudeCache.prewarm.workflows is empty in .vscode/settings.json\n');
      return context.json ? (context.printJson({ total: 0, done: 0, failed: 0, items: [] }), 0) : 0;
    }
    const outcomes = await engine.prewarm(context.workspace, items, {
      onProgress: (done, total, outcome) => {
        if (context.json) return;
        const what = outcome.error
          ? `failed: ${describeError(outcome.error)}`
          : outcome.result?.cached
            ? 'already cached'
            : `cached now (${formatDollars(outcome.result?.costUsd ?? 0)})`;
        context.io.stderr(`[${done}/${total}] ${outcome.item.workflow}: ${what}\n`);
      },
    });
    const failed = outcomes.filter((outcome) => outcome.error).length;
    if (context.json) {
      context.printJson({
        total: items.length,
        done: outcomes.length - failed,
        failed,
        items: outcomes.map((outcome) => ({
          workflow: outcome.item.workflow,
          ...(outcome.error ? { error: describeError(outcome.error) } : { cached: outcome.result?.cached ?? false }),
        })),
      });
    }
    return failed > 0 ? 1 : 0;
  },
};
