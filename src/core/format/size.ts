const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/**
 * 1536 -> "1.5 KB": binary multiples, as the MiB budgets in settings are. The one size format of the CLI, the tree,
 * the status bar and the dashboard.
 */
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
