import { LAYERS, perTier, TIERS, type Layer, type Tier, type TierStatus } from '../../core/layers';
import { tierLabel } from '../../core/tiers/tierRegistry';
import type { EntryInfo } from '../../core/stores/store';
import type { CacheSnapshot } from '../engine/cacheSnapshots';
import type { TierHealth } from '../engine/tierHealth';
import { escapeMarkdown, formatBytes, formatDuration, formatRate } from '../format';
import { alertRoots, presentAlertNode, type AlertTreeNode } from './alertTreeNodes';
import type { EntryOrigin } from './entryLabels';

/** Entries per layer per tier, as listed (capped at ENTRIES_PER_TIER); absent for a tier that was not listed. */
export type LayerTierCounts = Partial<Record<Layer, Partial<Record<Tier, number>>>>;

/** How many recent entries a tier node lists. */
export const ENTRIES_PER_TIER = 50;

export type TierTreeNode =
  | { readonly kind: 'layer'; readonly layer: Layer }
  | {
      readonly kind: 'tier';
      readonly layer: Layer;
      readonly tier: Tier;
      /** The tier's newest entries of the layer; empty when the tier is off or down. */
      readonly entries: readonly EntryInfo[];
    }
  | { readonly kind: 'entry'; readonly layer: Layer; readonly tier: Tier; readonly entry: EntryInfo }
  | AlertTreeNode;

/** Everything a TreeItem needs, decided without the vscode module so it can be specified in plain tests. */
export interface NodePresentation {
  /** Stable across refreshes, so expanded nodes stay expanded. */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** Markdown. */
  readonly tooltip: string;
  /** For `viewItem ==` when-clauses in package.json menus. */
  readonly contextValue: 'layer' | 'tier' | 'entry' | AlertTreeNode['kind'];
  /** A codicon id. */
  readonly icon: string;
  /** A theme color id for the icon. */
  readonly iconColor?: string;
  readonly collapsible: boolean;
}

export const LAYER_LABELS: Readonly<Record<Layer, string>> = {
  prompt: 'Prompt',
  module: 'Module',
  context: 'Context',
  result: 'Result',
};

const LAYER_PURPOSE: Readonly<Record<Layer, string>> = {
  prompt: 'workflow templates bound to their arguments',
  module: "sub-prompts' answers, shared between workflows",
  context: 'snapshots of what each workflow read, re-checked before use',
  result: 'final answers, replayed without calling Claude',
};

const LAYER_ICONS: Readonly<Record<Layer, string>> = {
  prompt: 'symbol-string',
  module: 'symbol-module',
  context: 'files',
  result: 'comment-discussion',
};

export const TIER_LABELS: Readonly<Record<Tier, string>> = perTier(tierLabel);

const STATUS_COLORS: Readonly<Record<TierStatus, string>> = {
  up: 'testing.iconPassed',
  degraded: 'list.warningForeground',
  down: 'list.errorForeground',
  off: 'disabledForeground',
};

/**
 * The tree's model: the latest cache snapshot. It decides labels, descriptions and tooltips; the
 * TreeDataProvider only turns them into TreeItems and fetches entry lists.
 */
export class TierTreeModel {
  private snapshot: CacheSnapshot | undefined;
  private counts: LayerTierCounts = {};

  constructor(private readonly origins?: { origin(key: string): EntryOrigin | undefined }) {}

  update(snapshot: CacheSnapshot | undefined): void {
    this.snapshot = snapshot;
  }

  /** What each tier holds per layer (memory alone undercounts: SurrealDB may hold what memory evicted). */
  updateCounts(counts: LayerTierCounts): void {
    this.counts = counts;
  }

  /** The tiers worth a count: configured ones (memory always). */
  private tiersOn(): Tier[] {
    return TIERS.filter((tier) => tier === 'memory' || this.health(tier).status !== 'off');
  }

  private count(layer: Layer, tier: Tier): string | undefined {
    if (tier === 'memory' && this.snapshot) return String(this.snapshot.report.layers[layer].entries);
    const listed = this.counts[layer]?.[tier];
    if (listed === undefined) return undefined;
    return listed >= ENTRIES_PER_TIER ? `${ENTRIES_PER_TIER}+` : String(listed);
  }

  /** True until something is stored in any tier: the view then shows its welcome content instead. */
  get isEmpty(): boolean {
    const snapshot = this.snapshot;
    if (!snapshot) return true;
    return TIERS.every((tier) => snapshot.report.tiers[tier].entries === 0);
  }

  roots(): TierTreeNode[] {
    const layers: TierTreeNode[] = this.isEmpty ? [] : LAYERS.map((layer) => ({ kind: 'layer', layer }));
    return [...alertRoots(this.snapshot?.alerts), ...layers];
  }

  /** A line above the tree while a tier is unhealthy, saying which and why; undefined when all is well. */
  message(): string | undefined {
    const snapshot = this.snapshot;
    if (!snapshot) return undefined;
    const lines = TIERS.filter((tier) => ['down', 'degraded'].includes(snapshot.health[tier].status)).map((tier) => {
      const health = snapshot.health[tier];
      return `${TIER_LABELS[tier]} is ${health.status}${health.detail ? `: ${health.detail}` : ''}`;
    });
    return lines.length > 0 ? `${lines.join('. ')}. The cache keeps working without it.` : undefined;
  }

  health(tier: Tier): TierHealth {
    return this.snapshot?.health[tier] ?? { status: 'off' };
  }

  /** Whether listing this tier's entries can work now. */
  isListable(tier: Tier): boolean {
    const status = this.health(tier).status;
    return status === 'up' || status === 'degraded';
  }

  present(node: TierTreeNode, now: number): NodePresentation {
    switch (node.kind) {
      case 'layer':
        return this.presentLayer(node.layer);
      case 'tier':
        return this.presentTier(node.layer, node.tier, node.entries);
      case 'entry':
        return presentEntry(node.layer, node.tier, node.entry, now, this.origins?.origin(node.entry.key));
      case 'alerts':
      case 'alert':
        return presentAlertNode(node);
    }
  }

  private presentLayer(layer: Layer): NodePresentation {
    const stats = this.snapshot?.report.layers[layer];
    const hits = stats?.hits ?? 0;
    const misses = stats?.misses ?? 0;
    const rate = formatRate(stats?.hitRate ?? 0, hits + misses);
    const perTier = this.tiersOn().map((tier) => ({ tier, count: this.count(layer, tier) ?? '?' }));
    const bytes = `${formatBytes(stats?.bytes ?? 0)} of ${formatBytes(stats?.budgetBytes ?? 0)}`;
    const tooltip = [
      `**${LAYER_LABELS[layer]} layer**: ${LAYER_PURPOSE[layer]}`,
      '',
      '| | |',
      '|---|---:|',
      `| Hit rate | ${rate} |`,
      `| Hits | ${hits} |`,
      `| Misses | ${misses} |`,
      `| Computed | ${stats?.computations ?? 0} |`,
      ...perTier.map(({ tier, count }) => `| Entries in ${TIER_LABELS[tier]} | ${count} |`),
      `| Memory used | ${bytes} |`,
      '',
      'Hits and misses count lookups in this window since it opened.',
    ].join('\n');
    return {
      id: `layer:${layer}`,
      label: LAYER_LABELS[layer],
      description: `${rate} · ${perTier.map(({ tier, count }) => `${TIER_LABELS[tier]} ${count}`).join(' · ')}`,
      tooltip,
      contextValue: 'layer',
      icon: LAYER_ICONS[layer],
      collapsible: true,
    };
  }

  private presentTier(layer: Layer, tier: Tier, entries: readonly EntryInfo[]): NodePresentation {
    const health = this.health(tier);
    const count =
      tier === 'memory' && this.snapshot
        ? String(this.snapshot.report.layers[layer].entries)
        : entries.length >= ENTRIES_PER_TIER
          ? `${ENTRIES_PER_TIER}+`
          : String(entries.length);
    const listed = health.status === 'up' || health.status === 'degraded';
    const description = listed ? `${health.status} · ${count} ${count === '1' ? 'entry' : 'entries'}` : health.status;
    const lines = [`**${TIER_LABELS[tier]}** tier of the ${LAYER_LABELS[layer]} layer: ${describeStatus(health.status)}`];
    if (health.detail) lines.push('', escapeMarkdown(health.detail));
    if (listed) lines.push('', `Showing the newest ${Math.min(entries.length, ENTRIES_PER_TIER)} entries.`);
    return {
      id: `tier:${layer}:${tier}`,
      label: TIER_LABELS[tier],
      description,
      tooltip: lines.join('\n'),
      contextValue: 'tier',
      icon: health.status === 'off' ? 'circle-outline' : 'circle-filled',
      iconColor: STATUS_COLORS[health.status],
      collapsible: entries.length > 0,
    };
  }
}

function presentEntry(layer: Layer, tier: Tier, entry: EntryInfo, now: number, origin?: EntryOrigin): NodePresentation {
  const size = formatBytes(entry.size);
  const age = formatDuration(now - entry.createdAt);
  const ttlLeft = entry.expiresAt > now ? formatDuration(entry.expiresAt - now) : 'expired';
  const tooltip = [
    `**${escapeMarkdown(origin ? originLabel(origin) : entryLabel(entry.key))}**`,
    '',
    '| | |',
    '|---|---:|',
    ...(origin ? [`| Workflow | ${escapeMarkdown(origin.workflow)} |`] : []),
    ...(origin?.module ? [`| Module | ${escapeMarkdown(origin.module)} |`] : []),
    ...(origin?.file ? [`| File | ${escapeMarkdown(origin.file)} |`] : []),
    ...(origin?.args ? [`| Arguments | ${escapeMarkdown(origin.args)} |`] : []),
    `| Layer | ${LAYER_LABELS[layer]} |`,
    `| Tier | ${TIER_LABELS[tier]} |`,
    `| Size | ${size} |`,
    `| Age | ${age} |`,
    `| TTL left | ${ttlLeft} |`,
    `| Hits | ${entry.hits === undefined ? 'not counted by this tier' : entry.hits} |`,
    ...(tier === 'memory' ? [`| Pinned | ${entry.pinned === true ? 'yes: read often, kept ahead of LRU order' : 'no'} |`] : []),
    '',
    // The full key last: needed to match it in logs or a pattern, not to tell entries apart.
    `Key: \`${entry.key}\``,
  ].join('\n');
  return {
    id: `entry:${layer}:${tier}:${entry.key}`,
    label: origin ? originLabel(origin) : entryLabel(entry.key),
    description: `${entry.pinned === true ? 'pinned · ' : ''}${size} · ${age} old`,
    tooltip,
    contextValue: 'entry',
    icon: entry.pinned === true ? 'pinned' : 'symbol-key',
    collapsible: false,
  };
}

/** `review-file · src/a.ts · "focus on errors"`; a module entry says which module. */
export function originLabel(origin: EntryOrigin): string {
  const parts = [origin.module ? `${origin.workflow} › ${origin.module}` : origin.workflow];
  if (origin.file) parts.push(origin.file);
  if (origin.args) parts.push(`"${origin.args}"`);
  return parts.join(' · ');
}

/** `review-file:k1:3f2a…` -> `review-file · 3f2a9c01`: the readable name and enough hash to tell entries apart. */
export function entryLabel(key: string): string {
  const segments = key.split(':');
  if (segments.length < 3) return key;
  const hash = segments[segments.length - 1] as string;
  const name = segments.slice(0, -2).join(':');
  return `${name} · ${hash.slice(0, 8)}`;
}

function describeStatus(status: TierStatus): string {
  switch (status) {
    case 'up':
      return 'up, answering.';
    case 'degraded':
      return 'degraded: failing, skipped until it recovers.';
    case 'down':
      return 'down: configured but not connected; the cache works without it.';
    case 'off':
      return 'off: not configured.';
  }
}
