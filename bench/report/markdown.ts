import { duration, escapeCell, rate, ratio } from './format';
import { costOf, floorRatio, speedupOver, type BenchResults, type Figure, type Row, type Section, type Table, type Target } from './results';

/** latest.md: the targets, then per section a comparison table (ours, floor, peers, ratios) and the details. */
export function renderMarkdown(results: BenchResults): string {
  const { machine } = results;
  const lines: string[] = [];
  lines.push(`# Benchmarks (${results.mode} run, ${machine.date.slice(0, 10)})`, '');
  lines.push(
    `Measured ${machine.date} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}; ` +
      `Node ${machine.node}, Redis ${machine.redis}. Run took ${(results.durationMs / 1000).toFixed(0)} s.`,
    '',
  );
  lines.push(`Packages: ${Object.entries(machine.packages).map(([name, version]) => `${name} ${version}`).join(', ')}.`, '');
  lines.push('How it was measured:', '');
  for (const item of results.method) lines.push(`- ${item}`);
  lines.push('');
  if (results.targets.length > 0) {
    lines.push('## Targets', '');
    lines.push('| target | measured | bound | met | basis |', '| --- | --- | --- | --- | --- |');
    for (const target of results.targets) {
      lines.push(`| ${escapeCell(target.description)} | ${formatTarget(target, target.value)} | ${target.comparison} ${formatTarget(target, target.limit)} | ${target.met ? 'yes' : '**no**'} | ${escapeCell(target.basis)} |`);
    }
    lines.push('');
  }
  for (const section of results.sections) lines.push(...renderSection(section));
  return `${lines.join('\n')}\n`;
}

function formatTarget(target: Target, value: number): string {
  if (target.unit === 'x') return ratio(value);
  if (target.unit === '%') return `${value.toFixed(1)} %`;
  return String(value);
}

function renderSection(section: Section): string[] {
  const lines = [`## ${section.title}`, '', section.description, ''];
  if (section.rows.length > 0) {
    const peerNames = [...new Set(section.rows.flatMap((row) => row.peers.map((peer) => peer.system)))];
    const header = ['operation', 'ours', 'floor', 'ours / floor', ...peerNames.map((name) => `${name} (ours faster by)`)];
    lines.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
    for (const row of section.rows) {
      const peerCells = peerNames.map((name) => {
        const peer = row.peers.find((candidate) => candidate.system === name);
        return peer ? `${figureCell(row, peer)} (${ratio(speedupOver(row, peer))})` : '';
      });
      const floorCell = row.floor ? `${figureCell(row, row.floor)} ${row.floor.system}` : '–';
      lines.push(`| ${[row.operation, figureCell(row, row.ours), floorCell, ratio(floorRatio(row)), ...peerCells].map(escapeCell).join(' | ')} |`);
      for (const reference of row.references ?? []) {
        const cells = reference.role === 'floor' ? ['', `${figureCell(row, reference)} ${reference.system}`] : [figureCell(row, reference), ''];
        lines.push(`| ${[`↳ ${reference.system}`, ...cells, '', ...peerNames.map(() => '')].map(escapeCell).join(' | ')} |`);
      }
    }
    lines.push('');
    const notes = section.rows.filter((row) => row.note);
    for (const row of notes) lines.push(`- ${row.operation}: ${row.note}`);
    if (notes.length > 0) lines.push('');
    lines.push('<details><summary>All figures</summary>', '');
    lines.push('| operation | system | call | calls | mean | p50 | p99 | p99.9 | ops/s |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const row of section.rows) {
      for (const figure of [row.ours, ...(row.floor ? [row.floor] : []), ...(row.references ?? []), ...row.peers]) {
        const s = figure.summary;
        lines.push(
          `| ${[row.operation, figure.system, figure.call, s.samples, duration(s.meanNs), duration(s.p50Ns), duration(s.p99Ns), duration(s.p999Ns), rate(s.opsPerSec)].map(escapeCell).join(' | ')} |`,
        );
      }
    }
    lines.push('', '</details>', '');
  }
  for (const table of section.tables) lines.push(...renderTable(table));
  return lines;
}

/** Mean time per call (and p99), or throughput for rows compared on it. */
function figureCell(row: Row, figure: Figure): string {
  if (row.compareOn === 'throughput') return `${rate(figure.summary.opsPerSec)}`;
  return `${duration(costOf(row, figure))} (p99 ${duration(figure.summary.p99Ns)})`;
}

function renderTable(table: Table): string[] {
  const lines = [`### ${table.title}`, ''];
  lines.push(`| ${table.columns.map(escapeCell).join(' | ')} |`, `| ${table.columns.map(() => '---').join(' | ')} |`);
  for (const row of table.rows) lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
  lines.push('');
  if (table.note) lines.push(table.note, '');
  return lines;
}
