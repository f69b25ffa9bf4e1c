export type { Alert, AlertKind, AlertSample } from './alert';
export { AlertMonitor, type AlertMonitorEvents, type AlertMonitorOptions } from './alertMonitor';
export { AlertNotificationGate } from './alertNotificationGate';
export { DEFAULT_ALERT_RULES, type AlertRules } from './alertRules';
export { engineAlertSample, type AlertSampleSource } from './engineAlertSample';
export { evaluateAlerts } from './evaluateAlerts';
