import type { BenchResults } from './results';
export function renderLatencySvg(_results: BenchResults): string {
  return '<svg xmlns="http://www.w3.org/2000/svg"/>';
}
