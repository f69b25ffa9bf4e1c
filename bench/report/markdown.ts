import type { BenchResults } from './results';
export function renderMarkdown(results: BenchResults): string {
  return JSON.stringify(results.sections.map((s) => s.rows.map((r) => [r.operation, r.ours.summary.meanNs, r.floor?.summary.meanNs, r.peers.map((p) => [p.system, p.summary.meanNs])])), null, 1);
}
