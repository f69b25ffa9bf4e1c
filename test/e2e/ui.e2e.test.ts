import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { ensureCodeServer, launchCodeServer, type RunningCodeServer } from '../../src/launcher/codeServer';
import { linkDevExtension } from '../../src/launcher/devExtension';
import { repoRoot } from '../../src/launcher/paths';
import { waitUntil } from '../../src/launcher/waitUntil';
import { startFakeAnthropic, type FakeAnthropic } from '../fixtures/fakeAnthropic';
import { launchChromium } from './chromium';
import {
  OUTPUT_DIR,
  openQuickInput,
  outputPanelText,
  recordMetrics,
  runCommand,
  screenshot,
  waitForExtensionStatusBarItem,
} from './workbenchActions';

// The VS Code surface, driven like a person through the palette, the tree and the status bar, against the
// loopback fake of the Anthropic API started in this process.

const EXTENSION_ID = 'claude-prompt-cache.claude-prompt-cache';
const SETUP_TIMEOUT_MS = 20 * 60_000;
/** Generous: a 2-core machine runs code-server, its extension host and Chromium at once. */
const STEP_TIMEOUT_MS = 90_000;
const API_KEY = 'sk-ant-e2e-0123456789';
const QUICK_INPUT = '.quick-input-widget';

describe('the Claude Cache UI in VS Code (code-server + Chromium)', function () {
  this.timeout(5 * 60_000);

  let fake: FakeAnthropic;
  let scratch: string;
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let navigationStartedAt = 0;

  before(async function () {
    this.timeout(SETUP_TIMEOUT_MS);
    // Short answers keep the whole answer document, footer included, on screen.
    let answers = 0;
    fake = await startFakeAnthropic({ responder: () => `Fake answer number ${++answers}.` });
    scratch = mkdtempSync(join(tmpdir(), 'claude-prompt-cache-ui-e2e-'));
    const workspace = join(scratch, 'workspace');
    cpSync(join(repoRoot(), 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      `${JSON.stringify(
        {
          'claudeCache.apiBaseUrl': fake.url,
          'claudeCache.storageDir': join(scratch, 'cache'),
          'claudeCache.prewarm.workflows': [
            { workflow: 'write-tests', file: 'src/example.ts' },
            { workflow: 'review-file', file: 'src/example.ts' },
          ],
        },
        null,
        2,
      )}\n`,
    );

    const install = await ensureCodeServer({ log: (line) => process.stderr.write(`[e2e] ${line}\n`) });
    const extensionsDir = join(scratch, 'extensions');
    await linkDevExtension(extensionsDir, repoRoot());
    server = await launchCodeServer({
      workspace,
      extensionsDir,
      userDataDir: join(scratch, 'user-data'),
      install,
      env: {
        EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery' }),
        // The key must come from "Set API Key", not from the environment of whoever runs the suite.
        ANTHROPIC_API_KEY: '',
      },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    navigationStartedAt = Date.now();
    await page.goto(server.folderUrl, { timeout: 180_000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 180_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const name = `ui-failed-${this.currentTest.title.replace(/\W+/g, '-')}`;
      await screenshot(page, name).catch(() => undefined);
      // The extension's log says what it did; the profile holding it is removed after the suite.
      for (const log of filesNamed(join(scratch, 'user-data'), 'Claude Prompt Cache.log')) {
        cpSync(log, join(OUTPUT_DIR, `${name}.log`));
      }
    }
  });

  after(async function () {
    this.timeout(120_000);
    await browser?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await fake?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('shows its status-bar item on startup and opens the cache without blocking activation', async () => {
    const item = await waitForExtensionStatusBarItem(page, EXTENSION_ID, 120_000);
    const untilItemMs = Date.now() - navigationStartedAt;
    // Starting shows a spinning sync icon; an open, unused cache shows the database icon and its name.
    await waitUntil(
      async () =>
        (await item.locator('.codicon-database').count()) > 0 && (await item.innerText()).trim() === 'Claude Cache'
          ? true
          : undefined,
      { what: 'the cache to open (status bar "$(database) Claude Cache")', timeoutMs: STEP_TIMEOUT_MS },
    );
    const untilReadyMs = Date.now() - navigationStartedAt;
    // How long activate() itself took, as the extension logged it.
    const activateMs = await waitUntil(
      async () => {
        for (const log of filesNamed(join(scratch, 'user-data'), 'Claude Prompt Cache.log')) {
          const match = /\[extension\] activated in (\d+) ms/.exec(readFileSync(log, 'utf8'));
          if (match) return Number(match[1]);
        }
        return undefined;
      },
      { what: 'the activation line in the extension log file', timeoutMs: STEP_TIMEOUT_MS },
    );
    recordMetrics({
      uiActivateMs: activateMs,
      uiActivationUntilStatusBarMs: untilItemMs,
      uiActivationUntilCacheOpenMs: untilReadyMs,
    });
    process.stdout.write(
      `      activate() ${activateMs} ms; status-bar item after ${untilItemMs} ms, cache open after ${untilReadyMs} ms (from navigation)\n`,
    );
  });

  it('"Claude Cache: Set API Key" takes the key in a password box', async () => {
    await paletteCommand(page, 'Claude Cache: Set API Key');
    const input = await quickInputTitled(page, 'Claude Cache: Set API Key');
    assert.equal(await input.getAttribute('type'), 'password');
    await input.fill(API_KEY);
    await input.press('Enter');
    await notification(page, /API key saved in secret storage/);
  });

  it('runs review-file from the palette, then serves the same run from the cache with zero upstream calls', async () => {
    await openFile(page, 'example.ts');

    await runReviewFile(page);
    await answerShows(page, /Answered by claude-sonnet-5-5/);
    const paid = fake.calls;
    assert.ok(paid >= 1, 'the first run called the API');
    assert.equal(fake.requests.at(-1)?.model, 'claude-sonnet-5-5');

    await runReviewFile(page);
    await answerShows(page, /Served from the cache \(result layer\)/);
    await notification(page, /review-file: served from the cache/);
    assert.equal(fake.calls, paid, 'the cached run made no upstream call');
  });

  it('shows the hit rate and the dollars saved in the status bar, with a per-layer tooltip', async () => {
    const item = await waitForExtensionStatusBarItem(page, EXTENSION_ID);
    // The item repaints from engine events (throttled): wait for the reading that includes the cached run.
    let shown = '';
    const [rate, dollars] = await waitUntil<[number, number]>(
      async () => {
        shown = (await item.innerText()).trim();
        const match = /^(\d+)% · \$([\d.,]+) saved$/.exec(shown);
        return match && Number(match[2]) > 0 ? [Number(match[1]), Number(match[2])] : undefined;
      },
      { what: 'the status bar to show "<rate>% · $<more than 0> saved"', timeoutMs: STEP_TIMEOUT_MS },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; it shows "${shown}"`);
    });
    assert.ok(rate > 0 && rate < 100, `hit rate ${rate}%: the cached run hit, the first run missed`);
    assert.ok(dollars > 0);

    await item.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Saved by local hits' }).first();
    await hover.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const tooltip = await hover.innerText();
    assert.match(tooltip, /Result/);
    assert.match(tooltip, /Saved by provider cache/);
    assert.match(tooltip, /Spent/);
    await screenshot(page, 'ui-status-bar-tooltip');
    await page.mouse.move(700, 400);
  });

  it('lists the cached entries in the Claude Cache tree, layer by layer and tier by tier', async () => {
    await page.locator('.activitybar .action-item a[aria-label^="Claude Cache"]').first().click();
    const result = treeRow(page, /^Result/);
    await result.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    assert.match(await result.innerText(), /entr/);
    await expand(result);
    const memory = treeRow(page, /^Memory/);
    await memory.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    assert.ok(await treeRow(page, /^SurrealDB/).isVisible());
    await expand(memory);
    const entry = treeRow(page, /^review-file · [0-9a-f]{8}/);
    await entry.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await screenshot(page, 'ui-tier-tree');

    // Clicking an entry opens its decoded value, read-only.
    await entry.click();
    await answerShows(page, /"text": "Fake answer number \d+\."/);
    await page.locator('.tabs-container .tab.active', { hasText: '.json' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  });

  it('invalidates a layer from the tree context menu and shows it empty', async () => {
    const result = treeRow(page, /^Result/);
    await result.click({ button: 'right' });
    const action = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Invalidate Layer...' }).first();
    await action.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    // A menu ignores the release of a click that lands right after it opened: click until it takes.
    await waitUntil(
      async () => {
        if (await action.isVisible()) await action.click({ timeout: 5_000 });
        return (await action.isVisible()) ? undefined : true;
      },
      { what: 'the context menu to run "Invalidate Layer..."', timeoutMs: STEP_TIMEOUT_MS, intervalMs: 500 },
    );
    await waitUntil(async () => (/0 entries/.test(await result.innerText()) ? true : undefined), {
      what: 'the Result layer to show 0 entries',
      timeoutMs: STEP_TIMEOUT_MS,
    });
    await waitUntil(async () => ((await treeRow(page, /^review-file · /).count()) === 0 ? true : undefined), {
      what: 'the result entries to leave the tree',
      timeoutMs: STEP_TIMEOUT_MS,
    });
  });

  it('prewarms the workflows listed in the settings, and a second prewarm costs nothing', async () => {
    const before = fake.calls;
    await paletteCommand(page, 'Claude Cache: Prewarm Cache');
    await notification(page, /prewarmed 2 workflows: 2 answered by Claude/);
    assert.ok(fake.calls >= before + 2, `prewarm called the API (${fake.calls - before} calls)`);

    const afterFirst = fake.calls;
    await dismissNotifications(page);
    await paletteCommand(page, 'Claude Cache: Prewarm Cache');
    await notification(page, /prewarmed 2 workflows: 0 answered by Claude \(\$0\.00\), 2 already cached/);
    assert.equal(fake.calls, afterFirst);
  });

  it('shows the dashboard: totals and charts drawn by its own script under a strict CSP', async () => {
    await dismissNotifications(page);
    await paletteCommand(page, 'Claude Cache: Show Dashboard');
    const frame = await dashboardFrame(page);
    await frame.locator('#totals .card').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const totals = await frame.locator('#totals').innerText();
    assert.match(totals, /Hit rate, all layers/);
    assert.match(totals, /Saved/);
    assert.match(totals, /Projected per month/);
    const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'/);
    assert.match(await frame.locator('#legend-dollars').innerText(), /saved by local hits/);
    await screenshot(page, 'ui-dashboard');
  });

  it('resets the statistics from the dashboard after a modal confirmation', async () => {
    const frame = await dashboardFrame(page);
    await frame.locator('button[data-command="claudeCache.resetStats"]').click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Reset the cache statistics' }).first();
    await dialog.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await dialog.locator('.monaco-button', { hasText: /^Reset$/ }).first().click();
    const item = await waitForExtensionStatusBarItem(page, EXTENSION_ID);
    await waitUntil(async () => ((await item.innerText()).trim() === 'Claude Cache' ? true : undefined), {
      what: 'the status bar to show no statistics again',
      timeoutMs: STEP_TIMEOUT_MS,
    });
    await waitUntil(async () => (/\$0\.00/.test(await frame.locator('#totals').innerText()) ? true : undefined), {
      what: 'the dashboard totals to drop to zero',
      timeoutMs: STEP_TIMEOUT_MS,
    });
  });

  it('a second window on the same folder shares the embedded SurrealDB through the window that holds it', async () => {
    assert.ok(browser);
    const second = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      await second.goto(server?.folderUrl ?? '', { timeout: 180_000 });
      await waitForExtensionStatusBarItem(second, EXTENSION_ID, STEP_TIMEOUT_MS);
      await second.locator('.activitybar .action-item a[aria-label^="Claude Cache"]').first().click();
      // The first window's prompts are in SurrealDB: the second lists them through the first one's relay.
      const prompt = treeRow(second, /^Prompt/);
      await prompt.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await expand(prompt);
      const surreal = treeRow(second, /^SurrealDB/);
      await waitUntil(async () => (/up · [1-9]\d* entr/.test(await surreal.innerText()) ? true : undefined), {
        what: "the second window's SurrealDB tier to be up and list the first window's entries",
        timeoutMs: STEP_TIMEOUT_MS,
      });
      const item = await waitForExtensionStatusBarItem(second, EXTENSION_ID, STEP_TIMEOUT_MS);
      assert.doesNotMatch((await item.getAttribute('class')) ?? '', /warning-kind/);
      await screenshot(second, 'ui-second-window-shared-surreal');
    } finally {
      await second.close();
    }
    // The first window still holds its tiers.
    const item = await waitForExtensionStatusBarItem(page, EXTENSION_ID);
    assert.doesNotMatch((await item.getAttribute('class')) ?? '', /warning-kind/);
  });

  it('keeps the API key out of settings, logs and the cache on disk', async () => {
    await paletteCommand(page, 'Claude Cache: Show Log');
    await waitUntil(
      async () => (/API key stored in secret storage|prewarmed/.test(await outputPanelText(page)) ? true : undefined),
      { what: 'the Claude Cache log', timeoutMs: STEP_TIMEOUT_MS },
    );
    // The log file, the profile's settings and state, the workspace and the cache folder: the key is in none.
    const holders = filesContaining(scratch, API_KEY);
    assert.deepEqual(holders, [], `the key was written to ${holders.join(', ')}`);
    assert.ok(filesContaining(join(scratch, 'user-data'), '[extension] activated').length > 0, 'the log file was searched');
  });
});

/**
 * Runs a palette command by its full title with Enter, without waiting for the palette to close: our
 * commands open their own quick input at once, so the widget may never be seen hidden in between.
 */
async function paletteCommand(page: Page, title: string): Promise<void> {
  await openQuickInput(page, `>${title}`, STEP_TIMEOUT_MS);
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  const row = page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await waitUntil(
    async () => ((await page.locator(`${QUICK_INPUT} .monaco-list-row.focused`, { hasText: title }).count()) > 0 ? true : undefined),
    { what: `"${title}" to be the focused palette row`, timeoutMs: STEP_TIMEOUT_MS },
  );
  await input.press('Enter');
}

/** The quick input once it shows `title` (a picker or input box of ours); returns its text box. */
async function quickInputTitled(page: Page, title: string): Promise<Locator> {
  await page
    .locator(`${QUICK_INPUT} .quick-input-title`, { hasText: title })
    .first()
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  return page.locator(`${QUICK_INPUT} .quick-input-box input`);
}

/** Run Workflow... -> review-file -> no arguments, on the active editor's file. */
async function runReviewFile(page: Page): Promise<void> {
  await dismissNotifications(page);
  await paletteCommand(page, 'Claude Cache: Run Workflow...');
  const picker = await quickInputTitled(page, 'Claude Cache: Run Workflow');
  await picker.fill('review-file');
  await page
    .locator(`${QUICK_INPUT} .monaco-list-row.focused`, { hasText: 'review-file' })
    .first()
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await picker.press('Enter');
  const args = await quickInputTitled(page, 'review-file: arguments');
  await args.press('Enter');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
}

/** Opens a workspace file through Quick Open, as a person would. */
async function openFile(page: Page, name: string): Promise<void> {
  await paletteCommand(page, 'Go to File...');
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.fill(name);
  await page
    .locator(`${QUICK_INPUT} .monaco-list-row.focused`, { hasText: name })
    .first()
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
}

/** Waits until a visible editor (an answer or entry document) shows text matching `pattern`. */
async function answerShows(page: Page, pattern: RegExp): Promise<void> {
  await waitUntil(
    async () => {
      const texts = await page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).allInnerTexts();
      return texts.some((text) => pattern.test(text.replace(/\u00a0/g, ' '))) ? true : undefined;
    },
    { what: `an answer document showing ${pattern}`, timeoutMs: STEP_TIMEOUT_MS },
  );
}

async function notification(page: Page, pattern: RegExp): Promise<void> {
  await page
    .locator('.notifications-toasts .notification-toast', { hasText: pattern })
    .first()
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
}

/** Clears the toasts and waits until they are gone, so the next notification awaited is a new one. */
async function dismissNotifications(page: Page): Promise<void> {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  if ((await toasts.count()) === 0) return;
  await runCommand(page, 'Notifications: Clear All Notifications');
  await waitUntil(async () => ((await toasts.count()) === 0 ? true : undefined), {
    what: 'the notifications to clear',
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

function filesNamed(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name === name)
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The dashboard webview's inner frame, once it has loaded. */
async function dashboardFrame(page: Page): Promise<Frame> {
  return waitUntil(
    async () => {
      for (const candidate of page.frames()) {
        if ((await candidate.locator('#chart-hit-rate').count().catch(() => 0)) > 0) return candidate;
      }
      return undefined;
    },
    { what: 'the dashboard webview', timeoutMs: STEP_TIMEOUT_MS },
  );
}

/** Files under `dir` whose bytes contain `text`. */
function filesContaining(dir: string, text: string): string[] {
  const needle = Buffer.from(text);
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    try {
      if (readFileSync(file).includes(needle)) found.push(file);
    } catch {
      // Removed or locked while we looked (the server is running): nothing was in it for us to find.
    }
  }
  return found;
}

function treeRow(page: Page, label: RegExp): Locator {
  return page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
}

async function expand(row: Locator): Promise<void> {
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await waitUntil(async () => ((await row.getAttribute('aria-expanded')) === 'true' ? true : undefined), {
    what: 'the tree row to expand',
    timeoutMs: STEP_TIMEOUT_MS,
  });
}
