import type { SettingsUnder } from './settingGroup';

/**
 * The memory tier's pinning: frequently read entries kept through LRU eviction. (Its byte budgets are per layer,
 * with the layer settings.)
 */
export const PINNING_SETTINGS: SettingsUnder<'pinning'> = {
  'pinning.enabled': {
    type: 'boolean',
    default: true,
    description: 'Keep frequently read entries in memory ahead of least-recently-used order (within a share of each layer budget).',
  },
  'pinning.hitThreshold': {
    type: 'integer',
    default: 5,
    minimum: 1,
    maximum: 1000000,
    description: 'Reads (fading by half every half-life) after which an entry is pinned in memory instead of evicted.',
  },
  'pinning.maxSharePercent': {
    type: 'integer',
    default: 25,
    minimum: 1,
    maximum: 90,
    description: "Most of each layer's memory budget that pinned entries may hold, in percent.",
  },
  'pinning.halfLifeMinutes': {
    type: 'integer',
    default: 30,
    minimum: 1,
    maximum: 10080,
    description: "Every this many minutes an entry's earlier reads count half as much, so once-hot entries are unpinned.",
  },
};
