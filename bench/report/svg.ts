import { duration } from './format';
import type { BenchResults, Figure, Row } from './results';

/** Rows charted, in order: one group of bars each (the 4 KB figures where size matters). */
const CHARTED: ReadonlyArray<{ id: string; label: string }> = [
  { id: 'memory-hit-sync-4096', label: 'Memory hit, synchronous' },
  { id: 'memory-hit-getOrCompute-4096', label: 'Memory hit, getOrCompute' },
  { id: 'redis-hit-4096', label: 'Redis hit (decode + promotion)' },
  { id: 'surreal-hit-4096', label: 'SurrealDB hit (promotion)' },
  { id: 'miss-compute-0ms', label: 'Full miss, 0 ms compute' },
  { id: 'set-write-through-redis', label: 'set, write-through to Redis' },
  { id: 'invalidate-key', label: 'Invalidate one key' },
];

const COLORS: Record<string, string> = {
  ours: '#d97706',
  floor: '#6b7280',
  'BentoCache (serializeL1 off)': '#1d4ed8',
  'BentoCache (serializeL1 on)': '#60a5fa',
  'cache-manager': '#15803d',
};

const WIDTH = 960;
const LABEL_WIDTH = 300;
const PLOT_RIGHT = WIDTH - 90;
const BAR_HEIGHT = 13;
const BAR_GAP = 3;
const GROUP_GAP = 14;
const TOP = 56;

/**
 * latency.svg: mean latency per call by tier, ours against each floor and peer, on a log scale. Hand-written
 * SVG so the chart needs nothing but a browser (or GitHub) to view.
 */
export function renderLatencySvg(results: BenchResults): string {
  const rows = results.sections.flatMap((section) => section.rows);
  const groups = CHARTED.map(({ id, label }) => ({ label, row: rows.find((row) => row.id === id) })).filter(
    (group): group is { label: string; row: Row } => group.row !== undefined,
  );
  const bars = (row: Row): Figure[] => [row.ours, ...(row.floor ? [row.floor] : []), ...(row.references ?? []), ...row.peers];
  const values = groups.flatMap((group) => bars(group.row).map((figure) => figure.summary.meanNs)).filter((value) => value > 0);
  const minDecade = Math.floor(Math.log10(Math.max(1, Math.min(...values, 100))));
  const maxDecade = Math.ceil(Math.log10(Math.max(...values, 1_000)));
  const x = (ns: number): number =>
    LABEL_WIDTH + ((Math.log10(Math.max(ns, 10 ** minDecade)) - minDecade) / (maxDecade - minDecade)) * (PLOT_RIGHT - LABEL_WIDTH);

  const parts: string[] = [];
  let y = TOP;
  for (const group of groups) {
    parts.push(`<text x="12" y="${y + 11}" class="group">${esc(group.label)}</text>`);
    y += 18;
    for (const figure of bars(group.row)) {
      const color = COLORS[figure.role === 'ours' && figure.system !== 'ours' ? 'ours' : figure.role === 'floor' ? 'floor' : figure.system] ?? '#9ca3af';
      const faded = figure.role !== 'peer' && figure !== group.row.ours && figure !== group.row.floor;
      const end = x(figure.summary.meanNs);
      parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT - 3}" class="label" text-anchor="end">${esc(figure.system)}</text>`);
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${Math.max(1, end - LABEL_WIDTH).toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}"${faded ? ' fill-opacity="0.55"' : ''}><title>${esc(`${figure.system}: ${figure.call}, mean ${duration(figure.summary.meanNs)}, p99 ${duration(figure.summary.p99Ns)}`)}</title></rect>`,
      );
      parts.push(`<text x="${(end + 4).toFixed(1)}" y="${y + BAR_HEIGHT - 3}" class="value">${esc(duration(figure.summary.meanNs))}</text>`);
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += GROUP_GAP;
  }
  const height = y + 30;
  const axis: string[] = [];
  for (let decade = minDecade; decade <= maxDecade; decade++) {
    const tick = x(10 ** decade);
    axis.push(`<line x1="${tick.toFixed(1)}" y1="${TOP - 6}" x2="${tick.toFixed(1)}" y2="${height - 26}" class="grid"/>`);
    axis.push(`<text x="${tick.toFixed(1)}" y="${height - 12}" class="tick" text-anchor="middle">${esc(duration(10 ** decade))}</text>`);
  }
  const { machine } = results;
  const subtitle = `Mean per call, log scale; ${results.mode} run ${machine.date.slice(0, 10)}, ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, Redis ${machine.redis}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    '<style>.title{font-size:16px;font-weight:600}.sub{font-size:11px;fill:#4b5563}.group{font-size:13px;font-weight:600}.label{font-size:11px;fill:#374151}.value{font-size:10px;fill:#111827}.tick{font-size:10px;fill:#6b7280}.grid{stroke:#e5e7eb;stroke-width:1}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    '<text x="12" y="22" class="title">Latency by tier: Claude Prompt Cache against raw floors, BentoCache and cache-manager</text>',
    `<text x="12" y="40" class="sub">${esc(subtitle)}</text>`,
    ...axis,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
