import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { findExecutable } from '../../tools/common/executables';

// Flags for a headless Chromium that talks to nothing but the page it is given.
const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
];

/** The system Chromium (Debian's `chromium`, or $CHROMIUM_PATH): never a downloaded browser. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const found = findExecutable('chromium') ?? findExecutable('chromium-browser');
  if (found === undefined) {
    throw new Error('no Chromium: install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH');
  }
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: QUIET_FLAGS, timeout: 120_000 });
}
