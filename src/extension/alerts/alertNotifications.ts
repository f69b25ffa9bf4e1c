import { AlertNotificationGate, type Alert } from '../../core/alerts';
import { systemClock, type Clock } from '../../core/clock';
import type { HostedEngine } from '../../core/engine';
import type { Unsubscribe } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { EngineHostReader } from '../engine/engineHost';
import { Disposable, toDisposable } from '../lifecycle';

export interface AlertNotificationsOptions {
  host: EngineHostReader<HostedEngine>;
  logger: Logger;
  /** Shows one warning to the user. */
  warn: (message: string) => void;
  clock?: Clock;
}

/**
 * Turns the open engine's alerts into notifications: at most one per alert kind an hour (they come and go with
 * the traffic), none when `claudeCache.alerts.notifications` is off. Every change is logged and repaints the
 * views, whose tree lists the active alerts either way.
 */
export class AlertNotifications extends Disposable {
  private readonly gate: AlertNotificationGate;
  private readonly log: Logger;
  private watched: HostedEngine | undefined;
  private detach: Unsubscribe | undefined;

  constructor(private readonly options: AlertNotificationsOptions) {
    super();
    this.gate = new AlertNotificationGate(options.clock ?? systemClock);
    this.log = options.logger.child('alerts');
    this._register(toDisposable(options.host.events.on('state', () => this.follow())));
    this._register(toDisposable(() => this.detach?.()));
    this.follow();
  }

  private follow(): void {
    const engine = this.options.host.engineIfReady;
    if (engine === this.watched) return;
    this.detach?.();
    this.detach = undefined;
    this.watched = engine;
    if (engine) this.detach = engine.alerts.events.on('change', (alerts) => this.changed(engine, alerts));
  }

  private changed(engine: HostedEngine, alerts: readonly Alert[]): void {
    this.log.info(alerts.length === 0 ? 'no alert is active' : `active: ${alerts.map((alert) => alert.message).join('; ')}`);
    this.options.host.refreshNow();
    if (!engine.config.alerts.notifications) return;
    for (const alert of this.gate.admit(alerts)) this.options.warn(`Claude Cache: ${alert.message}.`);
  }
}
