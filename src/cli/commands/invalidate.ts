import { isLayer, LAYERS } from '../../core/layers';
import { CliUsageError } from '../cliErrors';
import type { CliCommand } from './command';

export const invalidateCommand: CliCommand = {
  name: 'invalidate',
  usage: 'claude-cache invalidate (--all | --layer L | --pattern P [--layer L]) [--json]',
  summary: 'remove cached entries from every tier (and tell other instances sharing Redis)',
  options: {
    all: { type: 'boolean' },
    layer: { type: 'string' },
    pattern: { type: 'string' },
  },
  async run(context) {
    const { all, layer, pattern } = context.values;
    if (layer !== undefined && !isLayer(layer)) {
      throw new CliUsageError(`--layer must be one of ${LAYERS.join(', ')}, not ${JSON.stringify(layer)}`);
    }
    const targetLayer = isLayer(layer) ? layer : null;
    const patternText = typeof pattern === 'string' ? pattern : undefined;
    const chosen = [all === true, patternText !== undefined, targetLayer !== null && patternText === undefined];
    if (chosen.filter(Boolean).length !== 1) {
      throw new CliUsageError('say what to invalidate: --all, --layer L, or --pattern P');
    }
    const engine = await context.open();
    const event =
      all === true
        ? await engine.cache.invalidateAll()
        : patternText !== undefined
          ? await engine.cache.invalidatePattern(patternText, targetLayer)
          : await engine.cache.invalidateLayer(targetLayer ?? 'result');
    if (context.json) context.printJson(event);
    else {
      const { memory, redis, surreal } = event.removed;
      context.print(`removed ${Math.max(memory, redis, surreal)} entries (memory ${memory}, redis ${redis}, surreal ${surreal})`);
    }
    if (event.unreachable.length > 0) {
      context.io.stderr(
        `claude-cache: could not reach ${event.unreachable.join(' and ')}; entries there may remain until their TTL (run again once it is up)\n`,
      );
      return 1;
    }
    return 0;
  },
};
