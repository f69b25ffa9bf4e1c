import { archivedAnswerText } from '../../core/archive/archivedAnswerText';
import { CacheError } from '../../core/errors';
import { formatBytes, table } from '../format';
import type { CliCommand } from './command';

/** The archive is off, or its tier could not open: nothing to list. */
export class ArchiveUnavailableError extends CacheError {
  readonly code = 'E_ARCHIVE_UNAVAILABLE';
}

export const archiveCommand: CliCommand = {
  name: 'archive',
  usage: 'claude-cache archive [KEY] [--json] [--limit N] [--workspace DIR]',
  summary: 'expired answers kept in the SurrealDB archive (never served as hits); with KEY, prints that answer',
  options: { limit: { type: 'string' } },
  async run(context) {
    const engine = await context.open();
    const archive = engine.archive;
    if (!archive) {
      throw new ArchiveUnavailableError(
        'no archive: SurrealDB is off or could not open, or claudeCache.archive.maxEntries is 0',
      );
    }
    const [key] = context.positionals;
    if (key !== undefined) {
      const archived = await archive.open(key);
      if (!archived) {
        context.io.stderr(`claude-cache archive: ${key} is not archived\n`);
        return 1;
      }
      if (context.json) context.printJson({ ...archived.info, answer: archived.answer ?? null });
      else context.print(archivedAnswerText(archived));
      return 0;
    }
    const limitText = context.values.limit;
    const limit = typeof limitText === 'string' ? Number(limitText) : 50;
    if (!Number.isInteger(limit) || limit < 1) {
      context.io.stderr('claude-cache archive: --limit must be a whole number >= 1\n');
      return 2;
    }
    const entries = await archive.list(limit);
    if (context.json) {
      context.printJson({ entries });
      return 0;
    }
    if (entries.length === 0) {
      context.print('the archive is empty');
      return 0;
    }
    context.print(
      table([
        ['archived', 'workflow', 'reason', 'size', 'key'],
        ...entries.map((entry) => [
          new Date(entry.archivedAt).toISOString(),
          entry.workflow,
          entry.reason,
          formatBytes(entry.size),
          entry.key,
        ]),
      ]),
    );
    return 0;
  },
};
