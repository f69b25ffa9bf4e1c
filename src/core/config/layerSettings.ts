import type { Layer } from '../layers';
import type { NumberSetting } from './settingSpec';
import type { SettingsUnder } from './settingGroup';
import { DAY, HOUR, YEAR } from './settingUnits';

function ttl(layer: Layer, seconds: number): NumberSetting {
  return {
    type: 'integer',
    default: seconds,
    minimum: 1,
    maximum: YEAR,
    description: `How long a ${layer}-layer entry stays valid, in seconds.`,
  };
}

function memoryBudget(layer: Layer, megabytes: number): NumberSetting {
  return {
    type: 'number',
    default: megabytes,
    minimum: 1,
    maximum: 16384,
    description: `Memory the in-process tier may spend on the ${layer} layer, in MiB.`,
  };
}

function maxEntry(layer: Layer): NumberSetting {
  return {
    type: 'number',
    default: 8,
    minimum: 0.01,
    maximum: 512,
    description: `Largest encoded ${layer}-layer value that is cached, in MiB; larger ones are used but not stored.`,
  };
}

/** Per layer: how long an entry lives, the memory it may take, and the largest value kept. */
export const LAYER_SETTINGS: SettingsUnder<'layers'> = {
  'layers.prompt.ttlSeconds': ttl('prompt', 24 * HOUR),
  'layers.prompt.memoryBudgetMB': memoryBudget('prompt', 10),
  'layers.prompt.maxEntryMB': maxEntry('prompt'),
  // Module and result keys cover every input (file contents, model, limits, workflow version), so an entry past
  // its TTL would still be correct, and a module answer made again changes the result key after it: both live
  // 30 days. Measured on the real-history replay (bench history section): with the seeds' 12 h / 1 h these
  // layers expired answers still asked for, weeks apart, and paid for them again.
  'layers.module.ttlSeconds': ttl('module', 30 * DAY),
  'layers.module.memoryBudgetMB': memoryBudget('module', 50),
  'layers.module.maxEntryMB': maxEntry('module'),
  'layers.context.ttlSeconds': ttl('context', 6 * HOUR),
  'layers.context.memoryBudgetMB': memoryBudget('context', 100),
  'layers.context.maxEntryMB': maxEntry('context'),
  'layers.result.ttlSeconds': ttl('result', 30 * DAY),
  'layers.result.memoryBudgetMB': memoryBudget('result', 200),
  'layers.result.maxEntryMB': maxEntry('result'),
};
