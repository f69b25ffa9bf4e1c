/** Display formats shared by the status bar, tree, dashboard and notifications. */

/** 0.873 -> "87%"; no lookups yet -> "–". */
export function formatRate(rate: number, lookups: number): string {
  if (lookups === 0 || !Number.isFinite(rate)) return '–';
  return `${Math.round(rate * 100)}%`;
}

/** Money has one format everywhere (editor and CLI): see src/core/format/money.ts. */
export { formatDollars } from '../core/format/money';

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 -> "1.5 KB" (binary multiples, as the MiB budgets in settings are). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits).replace(/\.0$/, '')} ${BYTE_UNITS[unit]}`;
}

/** A duration in the largest fitting unit: "42 s", "5 min", "3 h", "2 d". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

/** Microseconds as the dashboard shows latencies: "850 µs", "12.3 ms". */
export function formatMicros(micros: number): string {
  if (!Number.isFinite(micros) || micros <= 0) return '0 µs';
  if (micros < 1000) return `${Math.round(micros)} µs`;
  const ms = micros / 1000;
  return `${ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** Text from elsewhere (error messages, paths) inside markdown: its brackets and stars stay literal. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
}
