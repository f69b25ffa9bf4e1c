import type { ExtensionServices } from '../services';

/** Show Dashboard: opens the dashboard, or brings it to the front. */
export function showDashboard(services: ExtensionServices): void {
  services.dashboard.show();
}
