import type { ArchivedAnswer } from './archivedAnswers';

/**
 * An archived answer as a markdown document. It says plainly that the answer expired and is not served from the
 * cache, so nobody mistakes it for a current one.
 */
export function archivedAnswerText(archived: ArchivedAnswer): string {
  const { info, answer } = archived;
  const why = info.reason === 'expired' ? 'its time to live ran out' : "SurrealDB's entry cap pushed it out";
  const lines = [
    `# Archived answer: ${info.workflow}`,
    '',
    `> Archived because ${why}. It is kept for reference and never served as a cache hit; run the workflow again for a current answer.`,
    '',
    `- Cached: ${new Date(info.createdAt).toISOString()}`,
    `- Expired: ${new Date(info.expiresAt).toISOString()}`,
    `- Archived: ${new Date(info.archivedAt).toISOString()}`,
    ...(answer ? [`- Model: ${answer.model}`] : []),
    `- Key: \`${info.key}\``,
    '',
    '---',
    '',
    answer ? answer.text : '_The archived bytes could not be read (another format version, or another encryption key)._',
    '',
  ];
  return lines.join('\n');
}
