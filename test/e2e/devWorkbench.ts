import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureCodeServer, launchCodeServer, type RunningCodeServer } from '../../tools/codeServer/codeServer';
import { repoRoot } from '../../tools/common/paths';
import { linkDevExtension } from '../../tools/start/devExtension';
import { launchChromium } from './chromium';
import { filesNamed } from './claudeCacheWorkbench';
import { OUTPUT_DIR, screenshot } from './workbenchActions';

/** A copy of test/fixtures/workspace in `scratch`, with `settings` as its .vscode/settings.json; returns its path. */
export function fixtureWorkspace(scratch: string, settings: Readonly<Record<string, unknown>>): string {
  const workspace = join(scratch, 'workspace');
  cpSync(join(repoRoot(), 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return workspace;
}

/** code-server with this checkout's extension linked in, and a Chromium page on the workspace. */
export interface DevWorkbench {
  server: RunningCodeServer;
  browser: Browser;
  page: Page;
  /** When the page started loading the workbench, for timings measured from navigation. */
  navigationStartedAt: number;
}

/**
 * Starts code-server on `workspace` with the extension from this checkout and opens it in Chromium, with the
 * user data under `scratch`. The API key must come from "Set API Key", not from the environment of whoever runs
 * the suite, and the marketplace is unreachable on purpose.
 */
export async function openDevWorkbench(scratch: string, workspace: string): Promise<DevWorkbench> {
  const install = await ensureCodeServer({ log: (line) => process.stderr.write(`[e2e] ${line}\n`) });
  const extensionsDir = join(scratch, 'extensions');
  await linkDevExtension(extensionsDir, repoRoot());
  const server = await launchCodeServer({
    workspace,
    extensionsDir,
    userDataDir: join(scratch, 'user-data'),
    install,
    env: {
      EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery' }),
      ANTHROPIC_API_KEY: '',
    },
  });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const navigationStartedAt = Date.now();
  await page.goto(server.folderUrl, { timeout: 180_000 });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 180_000 });
  return { server, browser, page, navigationStartedAt };
}

/** After a failed test: a screenshot and the extension's log (its profile is removed after the suite) in test-output. */
export async function keepFailureEvidence(test: Mocha.Test | undefined, page: Page | undefined, scratch: string, prefix: string): Promise<void> {
  if (test?.state !== 'failed' || !page) return;
  const name = `${prefix}-failed-${test.title.replace(/\W+/g, '-')}`;
  await screenshot(page, name).catch(() => undefined);
  // Each window session (a reload, a second window) writes a log of its own: every one is kept, oldest first, and
  // the newest is also `<name>.log`.
  const logs = filesNamed(join(scratch, 'user-data'), 'Claude Prompt Cache.log').sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  logs.forEach((log, index) => cpSync(log, join(OUTPUT_DIR, `${name}-${index + 1}.log`)));
  const newest = logs.at(-1);
  if (newest) cpSync(newest, join(OUTPUT_DIR, `${name}.log`));
}

/** Closes what openDevWorkbench started (whatever part of it did start) and removes the scratch folder. */
export async function closeDevWorkbench(workbench: Partial<DevWorkbench> | undefined, scratch: string | undefined): Promise<void> {
  await workbench?.browser?.close().catch(() => undefined);
  await workbench?.server?.stop().catch(() => undefined);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
