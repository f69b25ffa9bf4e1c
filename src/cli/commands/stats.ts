import { formatStats } from '../format';
import type { CliCommand } from './command';

export const statsCommand: CliCommand = {
  name: 'stats',
  usage: 'claude-cache stats [--json] [--workspace DIR]',
  summary: 'hit rates per layer, tier health and sizes, dollars spent and saved',
  options: {},
  async run(context) {
    const engine = await context.open();
    const stats = await engine.stats();
    if (context.json) context.printJson(stats);
    else context.print(formatStats(stats));
    return 0;
  },
};
