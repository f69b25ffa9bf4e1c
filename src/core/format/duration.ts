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

/** Microseconds as latencies are shown: "850 µs", "12.3 ms". */
export function formatMicros(micros: number): string {
  if (!Number.isFinite(micros) || micros <= 0) return '0 µs';
  if (micros < 1000) return `${Math.round(micros)} µs`;
  const ms = micros / 1000;
  return `${ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
}
