import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../../tools/common/paths';
import { waitUntil } from '../../tools/common/waitUntil';

/** Where screenshots and measurements go (git-ignored). */
export const OUTPUT_DIR = join(repoRoot(), 'test-output');

const QUICK_INPUT = '.quick-input-widget';
const DEFAULT_TIMEOUT_MS = 60_000;

/** A quick-pick row whose label is `label` (VS Code appends `, <keybinding>` to the label of bound commands). */
function quickPickRow(page: Page, label: string): Locator {
  const quoted = JSON.stringify(label);
  const prefix = JSON.stringify(`${label},`);
  return page
    .locator(`${QUICK_INPUT} .monaco-list-row[aria-label=${quoted}], ${QUICK_INPUT} .monaco-list-row[aria-label^=${prefix}]`)
    .first();
}

/**
 * Opens the quick input with F1 and types `text` into it. F1 is pressed again while the workbench is still
 * wiring its keybindings and nothing opens, and when the palette closes again before it is typed into (the focus
 * moving to a window that just closed, or to a notification).
 */
export async function openQuickInput(page: Page, text: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await waitUntil(
    async () => {
      if (!(await input.isVisible())) {
        await page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 3_000 });
      }
      await input.fill(text, { timeout: 3_000 });
      return true;
    },
    { what: 'the command palette', timeoutMs, intervalMs: 500 },
  );
}

async function pick(page: Page, label: string, timeoutMs: number): Promise<void> {
  const row = quickPickRow(page, label);
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Runs a command from the palette by its full title, e.g. `Claude Cache: Show Log`, as a person would. */
export async function runCommand(page: Page, title: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  await openQuickInput(page, `>${title}`, timeoutMs);
  await pick(page, title, timeoutMs);
}

/** Opens a view or panel by name (`Explorer`, `Search`, `Output`) through the palette's `view ` picker. */
export async function openView(page: Page, name: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  await openQuickInput(page, `view ${name}`, timeoutMs);
  await pick(page, name, timeoutMs);
}

/** The whole status bar's text, items separated by newlines. */
export async function statusBarText(page: Page): Promise<string> {
  return page.locator('.part.statusbar').innerText();
}

/** Waits until a status-bar item shows text matching `text`; returns it. */
export async function waitForStatusBarItem(
  page: Page,
  text: string | RegExp,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Locator> {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return item;
}

/**
 * Waits until an extension shows any status-bar item (VS Code gives the element the id
 * `<extension id>.<item id>`), whatever its text says; returns it.
 */
export async function waitForExtensionStatusBarItem(
  page: Page,
  extensionId: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Locator> {
  const item = page.locator(`.part.statusbar .statusbar-item[id^=${JSON.stringify(`${extensionId}.`)}]`).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return item;
}

/** The text of the channel shown in the Output panel (empty while the panel is closed). */
export async function outputPanelText(page: Page): Promise<string> {
  // The panel holds other, hidden editors (debug console input); the shown channel is the visible one.
  const texts = await page.locator('.part.panel .monaco-editor .view-lines').filter({ visible: true }).allInnerTexts();
  // Editors render spaces as no-break spaces.
  return texts.join('\n').replace(/\u00a0/g, ' ');
}

/** Waits until the Output panel shows text matching `pattern`; returns all of it. */
export async function waitForOutput(page: Page, pattern: RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
  return waitUntil(
    async () => {
      const text = await outputPanelText(page);
      return pattern.test(text) ? text : undefined;
    },
    { what: `output matching ${pattern}`, timeoutMs },
  );
}

/** Saves a picture of the page as test-output/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Merges measurements into test-output/e2e-metrics.json (one file for the whole suite). */
export function recordMetrics(values: Readonly<Record<string, number | string>>): void {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = join(OUTPUT_DIR, 'e2e-metrics.json');
  let metrics: Record<string, unknown> = {};
  try {
    metrics = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // First measurement of this checkout.
  }
  writeFileSync(file, `${JSON.stringify({ ...metrics, ...values }, null, 2)}\n`);
}
