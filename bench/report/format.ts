/** `85 ns`, `12.3 µs`, `4.56 ms`, `1.2 s`. */
export function duration(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  if (ns < 1_000) return `${ns < 10 ? ns.toFixed(1) : Math.round(ns)} ns`;
  if (ns < 1_000_000) return `${trim(ns / 1_000)} µs`;
  if (ns < 1_000_000_000) return `${trim(ns / 1_000_000)} ms`;
  return `${trim(ns / 1_000_000_000)} s`;
}

/** Three significant digits at most. */
function trim(value: number): string {
  if (value >= 100) return String(Math.round(value));
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function rate(opsPerSec: number): string {
  if (opsPerSec >= 1_000_000) return `${(opsPerSec / 1_000_000).toFixed(2)} M/s`;
  if (opsPerSec >= 1_000) return `${(opsPerSec / 1_000).toFixed(1)} k/s`;
  return `${opsPerSec.toFixed(0)} /s`;
}

export function ratio(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}x`;
}

export function escapeCell(text: string | number): string {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
