import { similarAnswerText } from '../../core/similar/similarAnswerText';
import { CliUsageError } from '../cliErrors';
import { table } from '../format';
import type { CliCommand } from './command';

export const similarCommand: CliCommand = {
  name: 'similar',
  usage: 'claude-cache similar <text...> [--workflow NAME] [--limit N] [--show] [--json] [--workspace DIR]',
  summary: 'cached answers to prompts like the given text (suggestions only, never served as hits)',
  options: { workflow: { type: 'string' }, limit: { type: 'string' }, show: { type: 'boolean' } },
  async run(context) {
    const text = context.positionals.join(' ').trim();
    if (text === '') throw new CliUsageError('give the prompt text to find similar cached answers for');
    const limitText = context.values.limit;
    const limit = typeof limitText === 'string' ? Number(limitText) : 5;
    if (!Number.isInteger(limit) || limit < 1) throw new CliUsageError('--limit must be a whole number >= 1');
    const engine = await context.open();
    if (!engine.similar) {
      context.io.stderr('claude-cache similar: the search is off (SurrealDB is off, or values are encrypted at rest)\n');
    }
    const workflow = context.values.workflow;
    const found = await engine.similarAnswers({
      prompt: text,
      limit,
      ...(typeof workflow === 'string' ? { workflow } : {}),
    });
    if (context.json) {
      context.printJson({
        suggestions: found.map((similar) => ({
          key: similar.key,
          workflow: similar.workflow,
          score: similar.score,
          promptPreview: similar.promptPreview,
          text: similar.answer.text,
          createdAt: similar.createdAt,
        })),
      });
    } else if (found.length === 0) {
      context.print('no similar cached answers');
    } else if (context.values.show === true) {
      context.print(found.map(similarAnswerText).join('\n\n'));
    } else {
      context.print(
        table([
          ['score', 'workflow', 'prompt', 'key'],
          ...found.map((similar) => [
            similar.score.toFixed(2),
            similar.workflow,
            similar.promptPreview.replace(/\s+/g, ' ').slice(0, 60),
            similar.key,
          ]),
        ]),
      );
    }
    return 0;
  },
};
