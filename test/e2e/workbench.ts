import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ensureCodeServer,
  installExtension,
  launchCodeServer,
  type CodeServerInstall,
  type RunningCodeServer,
} from '../../tools/codeServer/codeServer';
import { repoRoot } from '../../tools/common/paths';
import { linkDevExtension } from '../../tools/start/devExtension';
import { chromiumPath, launchChromium } from './chromium';

/** Which build of the extension the workbench runs. */
export type ExtensionUnderTest = { readonly kind: 'dev' } | { readonly kind: 'vsix'; readonly file: string };

/** A code-server with the extension, and a Chromium page showing its workbench. */
export interface Workbench {
  readonly page: Page;
  readonly server: RunningCodeServer;
  readonly workspace: string;
  /** Date.now() just before the page started loading the workbench. */
  readonly navigationStartedAt: number;
  /** Milliseconds from navigation until the workbench's status bar was visible. */
  readonly workbenchReadyMs: number;
  /** Stops the browser and the server, removes the workspace. Safe to call twice. */
  close(): Promise<void>;
}

/** Files of the fixture workspace the workbench opens. */
export const FIXTURE_FILES: Readonly<Record<string, string>> = {
  'README.md': '# e2e fixture\n\nA small workspace for the end-to-end tests.\n',
  'src/greeting.ts': 'export function greeting(name: string): string {\n  return `Hello, ${name}`;\n}\n',
};

const WORKBENCH_TIMEOUT_MS = 180_000;

/** Opens the extension in code-server in Chromium on a fresh fixture workspace; fails if either cannot start. */
export async function openWorkbench(extension: ExtensionUnderTest = { kind: 'dev' }): Promise<Workbench> {
  const cleanups: Array<() => Promise<void> | void> = [];
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      // Reverse order: browser, server, folders. Every step runs even if an earlier one fails.
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          process.stderr.write(`[e2e] cleanup failed: ${String(error)}\n`);
        }
      }
    })();
    return closed;
  };
  try {
    chromiumPath(); // fail before the slow part when there is no browser
    const install = await ensureCodeServer({ log: (line) => process.stderr.write(`[e2e] ${line}\n`) });
    const scratch = mkdtempSync(join(tmpdir(), 'claude-prompt-cache-e2e-'));
    cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
    const workspace = join(scratch, 'workspace');
    writeFixture(workspace);
    const extensionsDir = join(scratch, 'extensions');
    await provideExtension(extension, extensionsDir, install);

    const server = await launchCodeServer({
      workspace,
      extensionsDir,
      userDataDir: join(scratch, 'user-data'),
      install,
      // No marketplace: keeps the server from reaching beyond 127.0.0.1.
      env: { EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery' }) },
    });
    cleanups.push(() => server.stop());

    const browser: Browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const navigationStartedAt = Date.now();
    await page.goto(server.folderUrl, { timeout: WORKBENCH_TIMEOUT_MS });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
    const workbenchReadyMs = Date.now() - navigationStartedAt;
    return { page, server, workspace, navigationStartedAt, workbenchReadyMs, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function writeFixture(workspace: string): void {
  for (const [path, content] of Object.entries(FIXTURE_FILES)) {
    const file = join(workspace, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

async function provideExtension(
  extension: ExtensionUnderTest,
  extensionsDir: string,
  install: CodeServerInstall,
): Promise<void> {
  mkdirSync(extensionsDir, { recursive: true });
  if (extension.kind === 'dev') await linkDevExtension(extensionsDir, repoRoot());
  else await installExtension(extension.file, extensionsDir, install);
}
