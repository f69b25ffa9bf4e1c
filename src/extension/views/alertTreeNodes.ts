import type { Alert } from '../../core/alerts';
import { escapeMarkdown } from '../format';

/** The "Alerts" node at the top of the tier tree, and one child per alert, while any rule is broken. */
export type AlertTreeNode = { readonly kind: 'alerts'; readonly alerts: readonly Alert[] } | { readonly kind: 'alert'; readonly alert: Alert };

const ALERT_TITLES: Readonly<Record<Alert['kind'], string>> = {
  hitRate: 'Low hit rate',
  evictions: 'High eviction rate',
  memory: 'Memory nearly full',
  tierErrors: 'Tier failing',
};

/** The root to show: none when all is well. */
export function alertRoots(alerts: readonly Alert[] | undefined): AlertTreeNode[] {
  return alerts && alerts.length > 0 ? [{ kind: 'alerts', alerts }] : [];
}

export function alertChildren(node: AlertTreeNode): AlertTreeNode[] {
  return node.kind === 'alerts' ? node.alerts.map((alert) => ({ kind: 'alert', alert })) : [];
}

export function presentAlertNode(node: AlertTreeNode): {
  id: string;
  label: string;
  description: string;
  tooltip: string;
  contextValue: AlertTreeNode['kind'];
  icon: string;
  iconColor: string;
  collapsible: boolean;
} {
  if (node.kind === 'alerts') {
    return {
      id: 'alerts',
      label: 'Alerts',
      description: `${node.alerts.length} active`,
      tooltip: ['**Alerts**: rules the cache breaks now (over the last 15 minutes)', '', ...node.alerts.map((alert) => `- ${escapeMarkdown(alert.message)}`)].join('\n'),
      contextValue: 'alerts',
      icon: 'warning',
      iconColor: 'list.warningForeground',
      collapsible: true,
    };
  }
  const { alert } = node;
  return {
    id: `alert:${alert.kind}:${alert.subject}`,
    label: `${ALERT_TITLES[alert.kind]}: ${alert.subject}`,
    description: alert.message,
    tooltip: escapeMarkdown(alert.message),
    contextValue: 'alert',
    icon: 'warning',
    iconColor: 'list.warningForeground',
    collapsible: false,
  };
}
