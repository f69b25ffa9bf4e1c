import type { ArchivedAnswerInfo } from '../../core/archive/archivedAnswers';
import { formatBytes, formatDuration } from '../format';

/** One archived answer in a quick pick. */
export interface ArchivePick {
  label: string;
  description: string;
  detail: string;
  key: string;
}

/** Quick-pick items for archived answers: the workflow, how long ago it was archived and why. */
export function archivePicks(entries: readonly ArchivedAnswerInfo[], now: number): ArchivePick[] {
  return entries.map((entry) => ({
    label: `$(archive) ${entry.workflow}`,
    description: `${entry.reason === 'expired' ? 'expired' : 'evicted'} ${formatDuration(Math.max(0, now - entry.archivedAt))} ago · ${formatBytes(entry.size)}`,
    detail: `cached ${new Date(entry.createdAt).toLocaleString()} · ${entry.key}`,
    key: entry.key,
  }));
}
