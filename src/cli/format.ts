import type { Alert } from '../core/alerts';
import type { EngineStats } from '../core/engine';
import { LAYERS, TIERS } from '../core/layers';
import { formatDollars } from '../core/format/money';
import { formatPercent } from '../core/format/percent';
import { formatBytes } from '../core/format/size';
import { formatTuning } from './formatTuning';

/** Money is written as the editor writes it (one formatter for both): see src/core/format/money.ts. */
export { formatDollars } from '../core/format/money';

/** A hit rate with one decimal, as a terminal table shows it: "87.3%". */
export function formatHitRate(rate: number): string {
  return formatPercent(rate, 1);
}

export { formatBytes } from '../core/format/size';

/** Left-aligned columns, for terminals. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function formatStats(stats: EngineStats): string {
  const layerRows = [['layer', 'hits', 'misses', 'hit rate', 'entries', 'bytes']];
  for (const layer of LAYERS) {
    const l = stats.layers[layer];
    layerRows.push([layer, String(l.hits), String(l.misses), formatHitRate(l.hitRate), String(l.entries), formatBytes(l.bytes)]);
  }
  const tierRows = [['tier', 'status', 'hits', 'entries', 'bytes']];
  for (const tier of TIERS) {
    const t = stats.tiers[tier];
    tierRows.push([tier, t.status, String(t.hits), String(t.entries), formatBytes(t.bytes)]);
  }
  const reasons = TIERS.flatMap((tier) => {
    const reason = stats.tiers[tier].reason;
    return reason === undefined ? [] : [`  ${tier} ${stats.tiers[tier].status}: ${reason}`];
  });
  const c = stats.cost;
  return [
    table(layerRows),
    '',
    table(tierRows),
    ...reasons,
    '',
    `spent ${formatDollars(c.spentUsd)} on ${c.upstreamCalls} Claude calls; saved ${formatDollars(c.savedUsd)} ` +
      `(${formatDollars(c.savedByLocalHitsUsd)} by ${c.avoidedCalls} local hits, ` +
      `${formatDollars(c.savedByProviderCacheUsd)} by Anthropic's prompt cache)`,
    ...(stats.tuning ? ['', formatTuning(stats.tuning)] : []),
    ...formatAlerts(stats.alerts ?? []),
  ].join('\n');
}

function formatAlerts(alerts: readonly Alert[]): string[] {
  if (alerts.length === 0) return ['', 'alerts: none'];
  return ['', `alerts (${alerts.length}):`, ...alerts.map((alert) => `  ! ${alert.message}`)];
}
