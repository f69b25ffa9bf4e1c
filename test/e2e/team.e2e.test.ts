import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { formatDollars } from '../../src/core/format/money';
import { waitUntil } from '../../tools/common/waitUntil';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import {
  STEP_TIMEOUT_MS,
  contextMenuAction,
  dismissNotifications,
  editorShows,
  expand,
  modalDialog,
  notification,
  openFile,
  paletteCommand,
  pressDialogButton,
  previewShows,
  quickInputClosed,
  quickInputTitled,
  runWorkflow,
  showCacheView,
  statusBarShows,
  treeRow,
} from './claudeCacheWorkbench';
import { closeDevWorkbench, fixtureWorkspace, keepFailureEvidence, openDevWorkbench, type DevWorkbench } from './devWorkbench';
import { recordMetrics, screenshot, waitForExtensionStatusBarItem } from './workbenchActions';

// The features added for teams (budgets, run explanations, similar and archived answers, entry inspection),
// driven in real VS Code like a person would, against the loopback fake of the Anthropic API.

const EXTENSION_ID = 'claude-prompt-cache.claude-prompt-cache';
const SETUP_TIMEOUT_MS = 20 * 60_000;
/** Far below the worst case of any Claude call, so every paid run must ask first. */
const DAILY_CAP_USD = 0.0001;
/** The cap as the status bar, the tooltip and the dialog write it. */
const CAP = formatDollars(DAILY_CAP_USD);
/** More than the 20 lookups a layer needs in the window before its hit rate is judged. */
const PREWARM_ITEMS = 24;
/** The engine samples its alert rules every 30 seconds; a loaded machine may take a while longer. */
const ALERT_TIMEOUT_MS = 120_000;

describe('team features in VS Code (code-server + Chromium)', function () {
  this.timeout(5 * 60_000);

  let fake: FakeAnthropic;
  let scratch: string;
  let page: Page;
  let workbench: DevWorkbench | undefined;

  before(async function () {
    this.timeout(SETUP_TIMEOUT_MS);
    let answers = 0;
    fake = await startFakeAnthropic({ responder: () => `Fake answer number ${++answers}.` });
    scratch = mkdtempSync(join(tmpdir(), 'claude-prompt-cache-team-e2e-'));
    const workspace = fixtureWorkspace(scratch, {
      'claudeCache.apiBaseUrl': fake.url,
      'claudeCache.storageDir': join(scratch, 'cache'),
      'claudeCache.budget.dailyUsd': DAILY_CAP_USD,
      // Distinct focuses make distinct prompts: each item is a prompt-layer and result-layer miss.
      'claudeCache.prewarm.workflows': Array.from({ length: PREWARM_ITEMS }, (_, index) => ({
        workflow: 'review-file',
        file: 'src/example.ts',
        args: [`focus ${index + 1}`],
      })),
    });
    workbench = await openDevWorkbench(scratch, workspace);
    ({ page } = workbench);
  });

  afterEach(async function () {
    await keepFailureEvidence(this.currentTest, page, scratch, 'team');
  });

  after(async function () {
    this.timeout(120_000);
    await closeDevWorkbench(workbench, scratch);
    await fake?.close();
  });

  it('shows the daily budget in the status bar once the cache is open', async () => {
    const item = await waitForExtensionStatusBarItem(page, EXTENSION_ID, 180_000);
    // Money as the one formatter writes it (src/core/format/money.ts): the cap is $0.00010.
    const today = `${formatDollars(0)}/${CAP} today`;
    await waitUntil(async () => ((await item.innerText()).trim().endsWith(today) ? true : undefined), {
      what: `the status bar to end with "${today}"`,
      timeoutMs: STEP_TIMEOUT_MS,
    });
    // The key comes from "Set API Key", as a person would give it.
    await paletteCommand(page, 'Claude Cache: Set API Key');
    const input = await quickInputTitled(page, 'Claude Cache: Set API Key');
    await input.fill('sk-ant-e2e-team-0123456789');
    await input.press('Enter');
    await notification(page, /API key saved in secret storage/);
  });

  it('asks before a run that could pass the daily budget, and Cancel calls nobody', async () => {
    await openFile(page, 'example.ts');
    const before = fake.calls;
    await runWorkflow(page, 'review-file');
    const dialog = await modalDialog(page, 'Claude Cache: over the daily budget');
    const text = await dialog.innerText();
    assert.match(text, /Running review-file could cost up to \$[\d.]+, and today's spend is \$0\.00 of the \$0\.00010 daily budget \(claudeCache\.budget\.dailyUsd\)/);
    assert.match(text, /Run Anyway/);
    await screenshot(page, 'team-budget-modal');
    await pressDialogButton(dialog, 'Cancel');
    await previewShows(page, /review-file: not run, over budget\./);
    assert.equal(fake.calls, before, 'declining made no upstream call');
  });

  it('"Run Anyway" pays for the run once, and the status bar shows the spend over the cap', async () => {
    // The answer view took the focus last; the workflow reads the file in the active editor.
    await openFile(page, 'example.ts');
    const before = fake.calls;
    await runWorkflow(page, 'review-file');
    const dialog = await modalDialog(page, 'Claude Cache: over the daily budget');
    await pressDialogButton(dialog, 'Run Anyway');
    await previewShows(page, /Answered by claude-sonnet-5-5/);
    // One question per run covers both of its calls: the file outline (module layer) and the review (result layer).
    const paid = fake.calls - before;
    assert.equal(paid, 2, 'the run called Claude for the outline and for the review');
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'the run asked only once');
    recordMetrics({ teamBudgetRunUpstreamCalls: paid });

    const item = await waitForExtensionStatusBarItem(page, EXTENSION_ID);
    let shown = '';
    const spent = await waitUntil(
      async () => {
        shown = (await item.innerText()).trim();
        const match = /· \$([\d.,]+)\/\$0\.00010 today$/.exec(shown);
        return match && Number(match[1]) > DAILY_CAP_USD ? Number(match[1]) : undefined;
      },
      { what: 'the status bar to show a spend above the $0.0001 cap', timeoutMs: STEP_TIMEOUT_MS },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; it shows "${shown}"`);
    });
    assert.ok(spent > 0);
    // Over the cap, the item turns to a warning.
    await waitUntil(async () => (/warning-kind/.test((await item.getAttribute('class')) ?? '') ? true : undefined), {
      what: 'the status bar item to turn to a warning',
      timeoutMs: STEP_TIMEOUT_MS,
    });
    await item.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Daily budget' }).first();
    await hover.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const tooltip = await hover.innerText();
    assert.match(tooltip, /Spent today: \$[\d.]+, over every window and CLI run\./);
    assert.match(tooltip, /Daily budget: \$0\.00010 \(\$0\.00 left\)\./);
    await screenshot(page, 'team-budget-status-bar');
    await page.mouse.move(700, 400);
  });

  it('"Explain Last Run" describes the paid run, then the cached one, layer by layer and tier by tier', async () => {
    await dismissNotifications(page);
    await paletteCommand(page, 'Claude Cache: Explain Last Run');
    const paid = await editorShows(page, /# Last run: review-file[\s\S]*called Claude/);
    assert.match(paid, /\| Layer \| Outcome \| Answered by \| Tiers \| Time \| Why \|/);
    assert.match(paid, /\| result \| miss \|/);
    assert.match(paid, /module:file-outline/);
    assert.match(paid, /memory miss/);
    await screenshot(page, 'team-explain-paid-run');

    // The same run again is served from the cache without asking about the budget: nothing is paid.
    await openFile(page, 'example.ts');
    const before = fake.calls;
    await runWorkflow(page, 'review-file');
    await statusBarShows(page, /review-file: served from the cache/);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'a cached run does not ask');
    assert.equal(fake.calls, before);
    await paletteCommand(page, 'Claude Cache: Explain Last Run');
    const cached = await editorShows(page, /# Last run: review-file[\s\S]*answered from the cache/);
    assert.match(cached, /\| result \| hit \|/);
    assert.match(cached, /memory hit/);
    await screenshot(page, 'team-explain-cached-run');
  });

  it('"Find Similar Cached Answers..." finds the cached review by words of its prompt and opens it as a suggestion', async () => {
    await dismissNotifications(page);
    // The prompt is indexed as the answer is stored: ask until the index has it.
    const picker = await waitUntil(
      async () => {
        await dismissNotifications(page);
        await paletteCommand(page, 'Claude Cache: Find Similar Cached Answers...');
        const input = await quickInputTitled(page, 'Claude Cache: Find Similar Cached Answers');
        await input.fill('correctness traversal invariants');
        await input.press('Enter');
        const outcome = await waitUntil(
          async () => {
            if (await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Similar Cached Answers (suggestions, not hits)' }).isVisible()) return 'picker';
            const none = page.locator('.notifications-toasts .notification-toast', { hasText: /no cached answers to similar prompts/ });
            return (await none.count()) > 0 ? 'none' : undefined;
          },
          { what: 'the similar answers picker or its "none" message', timeoutMs: STEP_TIMEOUT_MS },
        );
        return outcome === 'picker' ? page.locator('.quick-input-widget .quick-input-box input') : undefined;
      },
      { what: 'the similar answers picker', timeoutMs: STEP_TIMEOUT_MS, intervalMs: 1_000 },
    );
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'review-file' }).first();
    await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    assert.match(await row.innerText(), /relevance [\d.]+/);
    await screenshot(page, 'team-similar-picker');
    await picker.press('Enter');
    await quickInputClosed(page);
    const suggestion = await editorShows(page, /# Suggestion: a cached answer to a similar prompt \(review-file\)/);
    assert.match(suggestion, /Fake answer number \d+\./);
  });

  it('"Show Archived Answers..." says clearly that the archive is empty while nothing has expired', async () => {
    await dismissNotifications(page);
    await paletteCommand(page, 'Claude Cache: Show Archived Answers...');
    await notification(page, /Claude Cache: the archive is empty; answers move here when they expire\./);
    await screenshot(page, 'team-archive-empty');
  });

  it('"Inspect Entry" on a tree entry opens its layer, tier, size, expiry, hits and a value preview', async () => {
    await dismissNotifications(page);
    await showCacheView(page);
    const result = treeRow(page, /^Result/);
    await result.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await expand(result);
    const memory = treeRow(page, /^Memory/);
    await memory.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await expand(memory);
    // Entries are named by workflow and file (the key is in the tooltip only).
    const entry = treeRow(page, /^review-file · src\/example\.ts/);
    await entry.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await contextMenuAction(page, entry, 'Inspect Entry');
    const inspection = await editorShows(page, /# Cache entry `/);
    assert.match(inspection, /\| Layer \| Result \|/);
    assert.match(inspection, /\| Tier \| Memory \|/);
    assert.match(inspection, /\| Size \| /);
    assert.match(inspection, /\| Expires \| /);
    assert.match(inspection, /\| Hits \| \d+ \|/);
    assert.match(inspection, /## Value preview/);
    assert.match(inspection, /Fake answer number \d+\./);
    await screenshot(page, 'team-inspect-entry');
  });

  it('raises a low-hit-rate alert in the tree after many misses, here from a prewarm refused by the budget', async () => {
    await dismissNotifications(page);
    const before = fake.calls;
    await paletteCommand(page, 'Claude Cache: Prewarm Cache');
    // Without anyone to ask, every paid call over the budget is refused: the prewarm reports failures, pays nothing.
    await notification(page, new RegExp(`prewarmed ${PREWARM_ITEMS} workflows: 0 answered by Claude \\(\\$0\\.00\\), 0 already cached, ${PREWARM_ITEMS} failed`));
    assert.equal(fake.calls, before, 'a prewarm over the budget calls nobody');
    // The alert rules are sampled every 30 seconds; an alert appearing refreshes the tree.
    await showCacheView(page);
    const alerts = treeRow(page, /^Alerts$/);
    await alerts.waitFor({ state: 'visible', timeout: ALERT_TIMEOUT_MS });
    assert.match(await alerts.innerText(), /\d+ active/);
    await expand(alerts);
    const lowHitRate = treeRow(page, /^Low hit rate: (prompt|result)$/);
    await lowHitRate.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    assert.match(await lowHitRate.innerText(), /layer hit rate is [\d.]+ % over \d+ lookups, below its \d+ % target/);
    await screenshot(page, 'team-alerts');
  });
});
