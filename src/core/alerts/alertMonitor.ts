import type { Clock } from '../clock';
import { TypedEmitter } from '../events';
import { systemTimers, type Timer, type Timers } from '../timers';
import type { Alert, AlertSample } from './alert';
import { DEFAULT_ALERT_RULES, type AlertRules } from './alertRules';
import { evaluateAlerts } from './evaluateAlerts';

export interface AlertMonitorEvents extends Record<string, unknown> {
  /** The set of active alerts changed (one was raised or cleared). */
  change: readonly Alert[];
}

export interface AlertMonitorOptions {
  clock: Clock;
  /** What start()'s sampling runs on; Node's timers by default. */
  timers?: Timers;
  /** Reads the engine's cumulative counters now. */
  sample: () => Promise<Omit<AlertSample, 'at'>>;
  rules?: AlertRules;
}

/**
 * Evaluates the alert rules over a sliding window of samples on the injected clock. The window's start is the
 * newest sample at least `windowMs` old; while the session is younger than that, rates are over everything
 * counted so far (so a one-shot `claude-cache stats` judges the lifetime counters).
 */
export class AlertMonitor {
  readonly events = new TypedEmitter<AlertMonitorEvents>();
  private samples: AlertSample[] = [];
  private current: Alert[] = [];
  private timer: Timer | undefined;
  private readonly rules: AlertRules;
  private readonly timers: Timers;

  constructor(private readonly options: AlertMonitorOptions) {
    this.rules = options.rules ?? DEFAULT_ALERT_RULES;
    this.timers = options.timers ?? systemTimers;
  }

  /** The alerts of the last evaluation. */
  active(): Alert[] {
    return [...this.current];
  }

  /** Samples now and evaluates; resolves to the active alerts. */
  async refresh(): Promise<Alert[]> {
    this.record({ ...(await this.options.sample()), at: this.options.clock.now() });
    return this.active();
  }

  /** Adds a sample and evaluates the rules over the window that ends with it. */
  record(sample: AlertSample): void {
    this.samples.push(sample);
    const windowStart = sample.at - this.rules.windowMs;
    // Keep one sample at or before the window's start (the baseline) and everything after it.
    let baseline = -1;
    this.samples.forEach((candidate, index) => {
      if (candidate.at <= windowStart) baseline = index;
    });
    if (baseline > 0) this.samples = this.samples.slice(baseline);
    const from = baseline >= 0 ? this.samples[0] : undefined;
    const next = evaluateAlerts(from, sample, this.rules);
    const changed = identity(next) !== identity(this.current);
    this.current = next;
    if (changed) this.events.emit('change', this.active());
  }

  /** Samples every `intervalMs` until stop(); a failed sample is skipped. */
  start(intervalMs: number): void {
    this.stop();
    this.timer = this.timers.setInterval(() => void this.refresh().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.timers.clearInterval(this.timer);
    this.timer = undefined;
  }
}

function identity(alerts: readonly Alert[]): string {
  return alerts.map((alert) => `${alert.kind}:${alert.subject}`).join(',');
}
