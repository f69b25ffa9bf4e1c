import type { ExtensionServices } from '../services';

/** Show Log: the extension's output channel. */
export function showLog(services: ExtensionServices): void {
  services.channel.show();
}
