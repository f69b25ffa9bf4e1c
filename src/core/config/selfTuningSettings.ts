import type { Layer } from '../layers';
import type { NumberSetting } from './settingSpec';
import type { SettingsUnder } from './settingGroup';
import { DAY, HOUR, YEAR } from './settingUnits';

function tunedTtlBound(layer: Layer, bound: 'min' | 'max', seconds: number): NumberSetting {
  return {
    type: 'integer',
    default: seconds,
    minimum: 1,
    maximum: YEAR,
    description: `${bound === 'min' ? 'Shortest' : 'Longest'} TTL that TTL tuning may give the ${layer} layer, in seconds.`,
  };
}

/**
 * Self-tuning: how long the usage log (the record every run leaves) keeps its records, and whether the layers'
 * TTLs are tuned from it, within bounds per layer.
 */
export const SELF_TUNING_SETTINGS: SettingsUnder<'usage'> & SettingsUnder<'ttlTuning'> = {
  'usage.retentionDays': {
    type: 'integer',
    default: 30,
    minimum: 1,
    maximum: 3650,
    description: 'Days the usage log (every run: layers hit or missed, tier, cost, time) keeps a record.',
  },
  'usage.maxRecords': {
    type: 'integer',
    default: 20000,
    minimum: 100,
    maximum: 1000000,
    description: 'Most records the usage log keeps; the oldest go first.',
  },
  'ttlTuning.enabled': {
    type: 'boolean',
    default: false,
    description:
      'Tune each layer\'s TTL from the usage log within the bounds below: longer where entries expire while still asked for, shorter where they are never read again. Every change is logged with its reason.',
  },
  'ttlTuning.layers.prompt.minSeconds': tunedTtlBound('prompt', 'min', HOUR),
  'ttlTuning.layers.prompt.maxSeconds': tunedTtlBound('prompt', 'max', 7 * 24 * HOUR),
  // Tuning never takes module or result entries below a day: their keys cover every input, so a shorter TTL only
  // frees room the memory budget and LRU order already bound, and pays again for correct answers (the real-history
  // replay: tuning took the result TTL to 5 min and the result hit rate from 26.8 % to 13.3 %).
  'ttlTuning.layers.module.minSeconds': tunedTtlBound('module', 'min', DAY),
  'ttlTuning.layers.module.maxSeconds': tunedTtlBound('module', 'max', 90 * DAY),
  'ttlTuning.layers.context.minSeconds': tunedTtlBound('context', 'min', 10 * 60),
  'ttlTuning.layers.context.maxSeconds': tunedTtlBound('context', 'max', 24 * HOUR),
  'ttlTuning.layers.result.minSeconds': tunedTtlBound('result', 'min', DAY),
  'ttlTuning.layers.result.maxSeconds': tunedTtlBound('result', 'max', 90 * DAY),
};
