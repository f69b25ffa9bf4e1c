import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import type { RunningCodeServer } from '../../tools/codeServer/codeServer';
import { waitUntil } from '../../tools/common/waitUntil';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import {
  STEP_TIMEOUT_MS,
  dismissNotifications,
  contextMenuAction,
  expand,
  filesNamed,
  modalDialog,
  notification,
  pressDialogButton,
  openFile,
  paletteCommand,
  previewShows,
  quickInputTitled,
  runWorkflow,
  statusBarShows,
  treeRow,
} from './claudeCacheWorkbench';
import { closeDevWorkbench, fixtureWorkspace, keepFailureEvidence, openDevWorkbench, type DevWorkbench } from './devWorkbench';
import {
  outputPanelText,
  recordMetrics,
  screenshot,
  waitForExtensionStatusBarItem,
} from './workbenchActions';

// The VS Code surface, driven like a person through the palette, the tree and the status bar, against the
// loopback fake of the Anthropic API started in this process.

const EXTENSION_ID = 'claude-prompt-cache.claude-prompt-cache';
const SETUP_TIMEOUT_MS = 20 * 60_000;
const API_KEY = 'sk-ant-e2e-0123456789';

describe('the Claude Cache UI in VS Code (code-server + Chromium)', function () {
  this.timeout(5 * 60_000);

  let fake: FakeAnthropic;
  let scratch: string;
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workbench: DevWorkbench | undefined;
  let navigationStartedAt = 0;

  before(async function () {
    this.timeout(SETUP_TIMEOUT_MS);
    // Short answers keep the whole answer, footer included, on screen; a table and a code block show the rendering.
    let answers = 0;
    fake = await startFakeAnthropic({
      responder: () => {
        answers += 1;
        return `Fake answer number ${answers}.\n\n| Finding | Severity |\n|---|---|\n| none | low |\n\n\`\`\`ts\nconst answer = ${answers};\n\`\`\`\n`;
      },
    });
    scratch = mkdtempSync(join(tmpdir(), 'claude-prompt-cache-ui-e2e-'));
    const workspace = fixtureWorkspace(scratch, {
      'claudeCache.apiBaseUrl': fake.url,
      'claudeCache.storageDir': join(scratch, 'cache'),
      'claudeCache.prewarm.workflows': [
        { workflow: 'write-tests', file: 'src/example.ts' },
        { workflow: 'review-file', file: 'src/example.ts' },
      ],
    });
    workbench = await openDevWorkbench(scratch, workspace);
    ({ server, browser, page, navigationStartedAt } = workbench);
  });

  afterEach(async function () {
    await keepFailureEvidence(this.currentTest, page, scratch, 'ui');
  });

  after(async function () {
    this.timeout(120_000);
    await closeDevWorkbench(workbench, scratch);
    await fake?.close();
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

    await runWorkflow(page, 'review-file');
    const preview = await previewShows(page, /Answered by claude-sonnet-5-5/);
    const paid = fake.calls;
    assert.ok(paid >= 1, 'the first run called the API');
    assert.equal(fake.requests.at(-1)?.model, 'claude-sonnet-5-5');
    // Rendered by VS Code's Markdown preview: a real table and a code block, not pipes and backticks.
    assert.equal(await preview.locator('table td', { hasText: 'none' }).count(), 1);
    assert.match(await preview.locator('pre code').first().innerText(), /const answer = \d+;/);
    await screenshot(page, 'ui-rendered-answer');

    // Back in the file, as a person would be after reading.
    await page.locator('.tabs-container .tab', { hasText: 'example.ts' }).first().click();
    await runWorkflow(page, 'review-file');
    await previewShows(page, /Served from the cache \(result layer\)/);
    await statusBarShows(page, /review-file: served from the cache/);
    assert.equal(fake.calls, paid, 'the cached run made no upstream call');
    // One answer view for the workflow and its file, reused: the paid answer is in its history, not in a new tab.
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'review-file' }).count(), 1);
    assert.equal(await page.locator('.notifications-toasts .notification-toast', { hasText: 'served from the cache' }).count(), 0);
  });

  it('runs Review This File from the editor context menu and the editor title, and Explain Selection only over a selection', async () => {
    await dismissNotifications(page);
    const editor = page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first();
    await page.locator('.tabs-container .tab', { hasText: 'example.ts' }).first().click();
    await editor.click();
    await editor.click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.locator('.action-item', { hasText: 'Review This File' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    assert.equal(await menu.locator('.action-item', { hasText: 'Explain Selection' }).count(), 0, 'no Explain without a selection');
    await screenshot(page, 'ui-editor-context-menu');
    await page.keyboard.press('Escape');
    await contextMenuAction(page, editor, 'Review This File');
    await previewShows(page, /Served from the cache \(result layer\)/);
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'review-file' }).count(), 1, 'still one answer view');
    // The title-bar action of a file editor.
    assert.equal(await page.locator('.editor-actions .action-label[aria-label^="Review This File"]').count(), 1);
  });

  it('explains the selection with its keyboard shortcut, the progress naming the step', async () => {
    const editor = page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first();
    await page.locator('.tabs-container .tab', { hasText: 'example.ts' }).first().click();
    await editor.click();
    await page.keyboard.press('Control+A');
    const before = fake.calls;
    await page.keyboard.press('Control+Shift+Alt+E');
    await previewShows(page, /explain-selection[\s\S]*Answered by claude-sonnet-5-5/);
    assert.ok(fake.calls > before, 'the shortcut ran a workflow that called the API');
    assert.match(await page.locator('.tabs-container .tab.active, .tabs-container .tab').allInnerTexts().then((tabs) => tabs.join(' | ')), /explain-selection/);
  });

  it('lists a broken workflow file in the Problems panel on its line, and last in the Run Workflow picker', async () => {
    await dismissNotifications(page);
    await page.keyboard.press('Escape');
    await paletteCommand(page, 'Focus Problems (Errors, Warnings, Infos)');
    const markers = page.locator('.markers-panel');
    await waitUntil(async () => (/broken\.md/.test(await markers.innerText().catch(() => '')) ? true : undefined), {
      what: 'the Problems panel to list .claude/commands/broken.md',
      timeoutMs: STEP_TIMEOUT_MS,
    });
    const problem = markers.locator('.monaco-list-row', { hasText: 'not valid YAML' }).first();
    await problem.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const text = (await problem.innerText()).replace(/\s+/g, ' ');
    // The parser's line (the misaligned list item), shown by the panel as [Ln 5, Col 1].
    assert.match(text, /not valid YAML at line 5/);
    assert.match(text, /Claude Cache/);
    assert.match(text, /\[Ln 5, Col 1\]/);
    await screenshot(page, 'ui-problems-panel');

    await paletteCommand(page, 'Claude Cache: Run Workflow');
    const picker = await quickInputTitled(page, 'Claude Cache: Run Workflow');
    assert.match((await picker.getAttribute('placeholder')) ?? '', /1 file not loaded, listed last/);
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    // Up from the first row wraps to the last one: the refused file, with its reason and line.
    await picker.press('ArrowUp');
    const last = page.locator('.quick-input-list .monaco-list-row.focused').first();
    await waitUntil(async () => (/broken\.md/.test(await last.innerText().catch(() => '')) ? true : undefined), {
      what: 'the last row of the picker to be .claude/commands/broken.md',
      timeoutMs: STEP_TIMEOUT_MS,
    });
    assert.equal(await last.getAttribute('aria-posinset'), await last.getAttribute('aria-setsize'), 'listed last');
    assert.match((await last.innerText()).replace(/\s+/g, ' '), /not loaded \(line 5\)/);
    await screenshot(page, 'ui-run-workflow-refused-file');
    await page.keyboard.press('Escape');
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
    // Counted per configured tier, not memory alone.
    assert.match(await result.innerText(), /Memory \d+ · SurrealDB \d+/);
    await expand(result);
    const memory = treeRow(page, /^Memory/);
    await memory.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    assert.ok(await treeRow(page, /^SurrealDB/).isVisible());
    await expand(memory);
    // Named by workflow and file, not by hash.
    const entry = treeRow(page, /^review-file · src\/example\.ts/);
    await entry.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await screenshot(page, 'ui-tier-tree');

    // Clicking an entry opens its decoded value, read-only.
    await entry.click();
    await answerShows(page, /"text": "Fake answer number \d+\./);
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
    // The "..." promises a question: one modal, naming the tiers it will touch.
    const dialog = await modalDialog(page, /Remove every entry of the Result layer from memory(, Redis)? and SurrealDB\?/);
    await screenshot(page, 'ui-invalidate-confirmation');
    await pressDialogButton(dialog, 'Invalidate');
    await waitUntil(async () => (/Memory 0 · SurrealDB 0/.test(await result.innerText()) ? true : undefined), {
      what: 'the Result layer to show 0 entries in memory and SurrealDB',
      timeoutMs: STEP_TIMEOUT_MS,
    });
    await statusBarShows(page, /Result layer invalidated: \d+ entr(y|ies) removed \(\d+ from memory, \d+ from SurrealDB\)/);
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
    // Every figure says its scope, and minutes of data project nothing.
    assert.match(totals, /Hit rate, all layers \(this window\)/);
    assert.match(totals, /Saved \(all time\)/);
    assert.match(totals, /Saved \(today, UTC\)/);
    assert.match(totals, /Saved \(last 30 days\)/);
    assert.match(totals, /Projected per month\s+–\s+needs a complete day of data/);
    const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'/);
    assert.match(await frame.locator('#legend-daily').innerText(), /saved by local hits[\s\S]*saved by provider cache/);
    await screenshot(page, 'ui-dashboard');
  });

  it('shows the daily history from the ledger on disk after a window reload', async () => {
    await page.reload({ timeout: 180_000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 180_000 });
    await waitForExtensionStatusBarItem(page, EXTENSION_ID, STEP_TIMEOUT_MS);
    await paletteCommand(page, 'Claude Cache: Show Dashboard');
    const frame = await dashboardFrame(page);
    // The reloaded window has no samples of its own yet: the newest row comes from ledger.json. It is today's, or
    // yesterday's when the suite ran across midnight UTC.
    const now = Date.now();
    const days = [now, now - 86_400_000].map((ms) => new Date(ms).toISOString().slice(0, 10));
    const row = frame.locator('#daily-rows tr').first();
    await waitUntil(
      async () => {
        if ((await row.count()) === 0) return undefined;
        const text = await row.innerText();
        return days.some((day) => text.startsWith(day)) ? true : undefined;
      },
      {
        what: `the daily table to list the session's day (${days.join(' or ')}) after the reload`,
        timeoutMs: STEP_TIMEOUT_MS,
      },
    );
    const cells = await row.locator('td').allInnerTexts();
    // Day, spent, saved by local hits, saved by provider cache, calls to Claude, calls avoided.
    assert.equal(cells.length, 6);
    assert.notEqual(cells[1], '$0.00', 'the paid runs of this session are spent today');
    assert.notEqual(cells[2], '$0.00', 'the cached runs saved something by local hits');
    assert.ok(Number(cells[4]) >= 1 && Number(cells[5]) >= 1, cells.join(' | '));
    assert.match(await frame.locator('#totals').innerText(), /Saved \(today, UTC\)\s+\$0\.\d+/);
    await screenshot(page, 'ui-dashboard-daily-after-reload');
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
      const surreal = treeRow(second, /^SurrealDB/);
      await waitUntil(
        async () => {
          // The tree is drawn again as the second window's cache opens and its counts come in, which can fold the
          // row: it is unfolded on every look.
          if ((await prompt.getAttribute('aria-expanded')) !== 'true') await prompt.click();
          const text = await surreal.innerText({ timeout: 2_000 }).catch(() => '');
          return /up · [1-9]\d* entr/.test(text) ? true : undefined;
        },
        { what: "the second window's SurrealDB tier to be up and list the first window's entries", timeoutMs: STEP_TIMEOUT_MS },
      ).catch(async (error: unknown) => {
        await screenshot(second, 'ui-failed-second-window').catch(() => undefined);
        throw error;
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

  it('opens the first-run walkthrough with its five steps', async () => {
    await dismissNotifications(page);
    await paletteCommand(page, 'Welcome: Open Walkthrough...');
    // The walkthrough picker has a placeholder, not a title.
    await page.locator('.quick-input-widget .quick-input-box input[placeholder*="walkthrough" i]').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const picker = page.locator('.quick-input-widget .quick-input-box input');
    await picker.fill('Claude Prompt Cache');
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'Get Started with Claude Prompt Cache' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await picker.press('Enter');
    const steps = page.locator('.gettingStartedContainer .getting-started-step');
    await waitUntil(async () => ((await steps.count()) === 5 ? true : undefined), { what: 'the walkthrough to show 5 steps', timeoutMs: STEP_TIMEOUT_MS });
    const titles = (await steps.allInnerTexts()).join('\n');
    for (const title of ['Set your Anthropic API key', 'Review a file in one step', 'Run it again: served from the cache', 'See what the cache saved', 'Share the cache with your team']) {
      assert.ok(titles.includes(title), `step "${title}"`);
    }
    await screenshot(page, 'ui-walkthrough');
  });

  it('says where an unreachable API is: the URL, the setting that chose it and the cause', async () => {
    await page.keyboard.press('Escape');
    const port = await closedPort();
    const settingsFile = join(scratch, 'workspace', '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(settingsFile, `${JSON.stringify({ ...settings, 'claudeCache.apiBaseUrl': `http://127.0.0.1:${port}` }, null, 2)}\n`);
    await dismissNotifications(page);
    await openFile(page, 'example.ts');
    const editor = page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first();
    // A selection never asked about: the run must call the API.
    await editor.locator('.view-line').first().click({ clickCount: 3 });
    await waitUntil(
      async () => {
        await page.keyboard.press('Control+Shift+Alt+E');
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Could not reach the Anthropic API' }).first();
        return (await toast.isVisible({ timeout: 15_000 }).catch(() => false)) ? toast : undefined;
      },
      { what: 'the unreachable-API error (after the settings change reached the engine)', timeoutMs: STEP_TIMEOUT_MS, intervalMs: 5_000 },
    );
    const toast = await notification(page, /Could not reach the Anthropic API/);
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`at http://127\\.0\\.0\\.1:${port} \\(chosen by the claudeCache\\.apiBaseUrl setting\\): the connection was refused`));
    await screenshot(page, 'ui-unreachable-api');
  });

  it('keeps the API key out of settings, logs and the cache on disk', async () => {
    await paletteCommand(page, 'Claude Cache: Show Log');
    await waitUntil(
      // After the reload test the log starts again: any of the extension's own lines shows it is open.
      async () => (/API key stored in secret storage|prewarmed|\[extension\] (activated|cache open)/.test(await outputPanelText(page)) ? true : undefined),
      { what: 'the Claude Cache log', timeoutMs: STEP_TIMEOUT_MS },
    );
    // The log file, the profile's settings and state, the workspace and the cache folder: the key is in none.
    const holders = filesContaining(scratch, API_KEY);
    assert.deepEqual(holders, [], `the key was written to ${holders.join(', ')}`);
    assert.ok(filesContaining(join(scratch, 'user-data'), '[extension] activated').length > 0, 'the log file was searched');
  });
});





/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
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


