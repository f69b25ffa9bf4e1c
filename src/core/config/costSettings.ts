import type { ConfigKeys } from './settingSpec';
import type { SettingsUnder } from './settingGroup';
import { parsePriceOverrides } from './structuredSettings';

/** What Claude calls cost (price overrides) and how much they may cost (daily caps). */
export const COST_SETTINGS: Pick<ConfigKeys, 'prices'> & SettingsUnder<'budget'> = {
  prices: {
    type: 'object',
    default: {},
    parse: parsePriceOverrides,
    description:
      'Price overrides per model id: { input, output, cacheWrite5m, cacheWrite1h, cacheRead } in USD per million tokens.',
  },
  'budget.dailyUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: 1000000,
    description:
      'Most dollars Claude calls may cost per local calendar day, over every window and CLI run sharing the storage folder; a run that could pass it asks first (VS Code) or fails (CLI). 0 = no cap.',
  },
  'budget.perWorkflowUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: 1000000,
    description: 'Most dollars one workflow\'s Claude calls may cost per local calendar day. 0 = no cap.',
  },
};
