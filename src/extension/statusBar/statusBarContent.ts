import { emptyTotals, type LedgerTotals } from '../../core/cost';
import type { TodayBudget } from '../engine/todayBudget';
import { LAYERS, TIERS, type Layer, type Tier } from '../../core/layers';
import type { TierHealth } from '../engine/tierHealth';
import { escapeMarkdown, formatDollars, formatRate } from '../format';
import { LAYER_LABELS, TIER_LABELS } from '../views/tierTreeModel';

export type CostFigures = Pick<LedgerTotals, 'spentUsd' | 'savedUsd' | 'savedByLocalHitsUsd' | 'savedByProviderCacheUsd' | 'upstreamCalls' | 'avoidedCalls'>;

/** The ledger's growth since `baseline`; a ledger that shrank (statistics reset) counts from zero. */
export function costSince(baseline: CostFigures, now: CostFigures): CostFigures {
  const reset = now.upstreamCalls < baseline.upstreamCalls || now.avoidedCalls < baseline.avoidedCalls || now.spentUsd < baseline.spentUsd;
  const from = reset ? ZERO_COST : baseline;
  return {
    spentUsd: now.spentUsd - from.spentUsd,
    savedUsd: now.savedUsd - from.savedUsd,
    savedByLocalHitsUsd: now.savedByLocalHitsUsd - from.savedByLocalHitsUsd,
    savedByProviderCacheUsd: now.savedByProviderCacheUsd - from.savedByProviderCacheUsd,
    upstreamCalls: now.upstreamCalls - from.upstreamCalls,
    avoidedCalls: now.avoidedCalls - from.avoidedCalls,
  };
}

/** No cost at all: the ledger's own empty totals (one definition of zero). */
export const ZERO_COST: CostFigures = Object.freeze(emptyTotals());

/** What the status bar shows once the engine is open. */
export interface CacheSummary {
  layers: Readonly<Record<Layer, { readonly hits: number; readonly misses: number }>>;
  tiers: Readonly<Record<Tier, TierHealth>>;
  /** All time: the ledger on disk, shared by every window and CLI run. */
  cost: CostFigures;
  /**
   * Since this window opened (the ledger minus what it held then): the scope of the hit counters, so the item's
   * text speaks of one scope. Absent: the text falls back to `cost`.
   */
  windowCost?: CostFigures;
  /** Set when a budget cap is: today's spend (every window and CLI run) against it. */
  budget?: TodayBudget;
}

export type StatusBarInput =
  | { readonly phase: 'starting' | 'closed' }
  | { readonly phase: 'failed'; readonly reason: string }
  | { readonly phase: 'ready'; readonly summary: CacheSummary };

export interface StatusBarContent {
  readonly text: string;
  /** Markdown. */
  readonly tooltip: string;
  /** Shown with the warning background: a tier is degraded or down, or the cache did not open. */
  readonly warning: boolean;
}

/** Before any lookup or saving the item names itself; after, it shows what matters: hit rate and dollars saved. */
export function statusBarContent(input: StatusBarInput): StatusBarContent {
  switch (input.phase) {
    case 'starting':
      return { text: '$(sync~spin) Claude Cache', tooltip: 'Claude Prompt Cache: opening the cache…', warning: false };
    case 'closed':
      return { text: '$(database) Claude Cache', tooltip: 'Claude Prompt Cache is closed.', warning: false };
    case 'failed':
      return {
        text: '$(error) Claude Cache',
        tooltip: `**Claude Prompt Cache could not open**\n\n${escapeMarkdown(input.reason)}\n\nRun "Claude Cache: Show Log" for details.`,
        warning: true,
      };
    case 'ready':
      return readyContent(input.summary);
  }
}

function readyContent(summary: CacheSummary): StatusBarContent {
  let hits = 0;
  let misses = 0;
  for (const layer of LAYERS) {
    hits += summary.layers[layer].hits;
    misses += summary.layers[layer].misses;
  }
  const lookups = hits + misses;
  const rate = formatRate(lookups === 0 ? 0 : hits / lookups, lookups);
  // The text speaks of this window only: its hit rate and what it saved (a reload starts both again).
  const window = summary.windowCost ?? summary.cost;
  const idle = lookups === 0 && window.savedUsd === 0 && window.spentUsd === 0;
  const budget = summary.budget;
  const todayText = budget && budget.dailyCapUsd > 0 ? ` · ${formatDollars(budget.spentTodayUsd)}/${formatDollars(budget.dailyCapUsd)} today` : '';
  const text = (idle ? '$(database) Claude Cache' : `$(database) ${rate} · ${formatDollars(window.savedUsd)} saved`) + todayText;
  const overBudget = budget !== undefined && budget.dailyCapUsd > 0 && budget.spentTodayUsd >= budget.dailyCapUsd;
  const unhealthy = TIERS.filter((tier) => summary.tiers[tier].status === 'degraded' || summary.tiers[tier].status === 'down');

  const rows = LAYERS.map((layer) => {
    const { hits: h, misses: m } = summary.layers[layer];
    return `| ${LAYER_LABELS[layer]} | ${h} | ${m} | ${formatRate(h + m === 0 ? 0 : h / (h + m), h + m)} |`;
  });
  const tierLine = TIERS.map((tier) => `${TIER_LABELS[tier]} ${summary.tiers[tier].status}`).join(' · ');
  const tooltip = [
    '**Claude Prompt Cache**: this window, since it opened',
    '',
    '| Layer | Hits | Misses | Rate |',
    '|---|---:|---:|---:|',
    ...rows,
    `| **All** | **${hits}** | **${misses}** | **${rate}** |`,
    '',
    '| Dollars | This window | All time |',
    '|---|---:|---:|',
    `| Saved by local hits | ${formatDollars(window.savedByLocalHitsUsd)} | ${formatDollars(summary.cost.savedByLocalHitsUsd)} |`,
    `| Saved by provider cache | ${formatDollars(window.savedByProviderCacheUsd)} | ${formatDollars(summary.cost.savedByProviderCacheUsd)} |`,
    `| Spent | ${formatDollars(window.spentUsd)} | ${formatDollars(summary.cost.spentUsd)} |`,
    `| Calls avoided / made | ${window.avoidedCalls} / ${window.upstreamCalls} | ${summary.cost.avoidedCalls} / ${summary.cost.upstreamCalls} |`,
    ...(budget ? ['', ...budgetLines(budget)] : []),
    '',
    `Tiers: ${tierLine}`,
    ...unhealthy.flatMap((tier) => {
      const detail = summary.tiers[tier].detail;
      return detail ? ['', `${TIER_LABELS[tier]}: ${escapeMarkdown(detail)}`] : [];
    }),
    '',
    'Click to open the dashboard.',
  ].join('\n');
  return { text, tooltip, warning: unhealthy.length > 0 || overBudget };
}

function budgetLines(budget: TodayBudget): string[] {
  const lines = [`Spent today: ${formatDollars(budget.spentTodayUsd)}, over every window and CLI run.`];
  if (budget.dailyCapUsd > 0) {
    const left = Math.max(0, budget.dailyCapUsd - budget.spentTodayUsd);
    lines.push('', `Daily budget: ${formatDollars(budget.dailyCapUsd)} (${formatDollars(left)} left).`);
  }
  if (budget.perWorkflowCapUsd > 0) lines.push('', `Per-workflow daily budget: ${formatDollars(budget.perWorkflowCapUsd)}.`);
  return lines;
}
