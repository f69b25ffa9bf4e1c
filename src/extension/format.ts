/** Display formats shared by the status bar, tree, dashboard and notifications. */
import { formatPercent } from '../core/format/percent';

/** 0.873 -> "87%"; no lookups yet -> "–". */
export function formatRate(rate: number, lookups: number): string {
  if (lookups === 0 || !Number.isFinite(rate)) return '–';
  return formatPercent(Math.round(rate * 100) / 100);
}

/** Money, sizes and durations have one format everywhere (editor and CLI): see src/core/format/. */
export { formatDollars } from '../core/format/money';
export { formatBytes } from '../core/format/size';
export { formatDuration, formatMicros } from '../core/format/duration';

/** Text from elsewhere (error messages, paths) inside markdown: its brackets and stars stay literal. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
}
