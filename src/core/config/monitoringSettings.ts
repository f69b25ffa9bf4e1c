import type { SettingsUnder } from './settingGroup';

/** The Prometheus endpoint. */
export const METRICS_SETTINGS: SettingsUnder<'metrics'> = {
  'metrics.port': {
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 65535,
    description:
      'Port on 127.0.0.1 where Prometheus metrics are served at /metrics (hits, misses, latencies, evictions, errors, dollars); 0 turns the endpoint off.',
  },
};

/** Whether alerts also pop up as notifications. */
export const ALERT_SETTINGS: SettingsUnder<'alerts'> = {
  'alerts.notifications': {
    type: 'boolean',
    default: true,
    description:
      'Show a notification (at most one per kind an hour) when hit rates fall below target, memory evicts or nearly fills, or a tier keeps failing; alerts stay listed in the tree and in stats either way.',
  },
};
