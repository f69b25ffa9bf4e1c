import type { Clock } from '../clock';
import type { Alert, AlertKind } from './alert';

/** One notification per alert kind per interval (an hour by default), however often the alert comes and goes. */
export class AlertNotificationGate {
  private readonly lastShown = new Map<AlertKind, number>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs = 60 * 60_000,
  ) {}

  /** The alerts to notify about now, at most one per kind; each admitted kind is quiet for the interval. */
  admit(alerts: readonly Alert[]): Alert[] {
    const now = this.clock.now();
    const admitted: Alert[] = [];
    for (const alert of alerts) {
      const last = this.lastShown.get(alert.kind);
      if (last !== undefined && now - last < this.intervalMs) continue;
      this.lastShown.set(alert.kind, now);
      admitted.push(alert);
    }
    return admitted;
  }
}
