import type { SettingsUnder } from './settingGroup';
import { parsePrewarmWorkflows } from './structuredSettings';

/** Prewarming: workflows run ahead of need, listed or picked from the usage log's most missed. */
export const PREWARM_SETTINGS: SettingsUnder<'prewarm'> = {
  'prewarm.workflows': {
    type: 'array',
    default: [],
    parse: parsePrewarmWorkflows,
    description: 'Workflows the prewarm command runs: [{ workflow, args?, inputs?, file? }].',
  },
  'prewarm.onStartup': {
    type: 'boolean',
    default: false,
    description: 'Run prewarm when the editor starts.',
  },
  'prewarm.fromUsage.onStartup': {
    type: 'boolean',
    default: false,
    description: "Prewarm this workspace's most often missed workflows from the usage log when the editor starts.",
  },
  'prewarm.fromUsage.maxUsd': {
    type: 'number',
    default: 0.5,
    minimum: 0,
    maximum: 1000,
    description: 'Most dollars one prewarm from usage may spend; it stops before a run that would pass it.',
  },
  'prewarm.fromUsage.maxItems': {
    type: 'integer',
    default: 10,
    minimum: 1,
    maximum: 500,
    description: 'Most workflow runs one prewarm from usage makes.',
  },
};
