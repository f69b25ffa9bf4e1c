import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { waitUntil } from '../../tools/common/waitUntil';
import { openQuickInput, runCommand } from './workbenchActions';

// Steps a person takes in the workbench with the Claude Cache extension, shared by the e2e files that need them.

/** Generous: a 2-core machine runs code-server, its extension host and Chromium at once. */
export const STEP_TIMEOUT_MS = 90_000;
const QUICK_INPUT = '.quick-input-widget';

/**
 * Runs a palette command by its full title with Enter, without waiting for the palette to close: our
 * commands open their own quick input at once, so the widget may never be seen hidden in between.
 */
export async function paletteCommand(page: Page, title: string): Promise<void> {
  await openQuickInput(page, `>${title}`, STEP_TIMEOUT_MS);
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: title }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await waitUntil(
    async () => ((await page.locator(`${QUICK_INPUT} .monaco-list-row.focused`, { hasText: title }).count()) > 0 ? true : undefined),
    { what: `"${title}" to be the focused palette row`, timeoutMs: STEP_TIMEOUT_MS },
  );
  await input.press('Enter');
}

/** The quick input once it shows `title` (a picker or input box of ours); returns its text box. */
export async function quickInputTitled(page: Page, title: string | RegExp): Promise<Locator> {
  await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: title }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  return page.locator(`${QUICK_INPUT} .quick-input-box input`);
}

/** Waits until the quick input is closed. */
export async function quickInputClosed(page: Page): Promise<void> {
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
}

/** Run Workflow... -> `workflow` -> no arguments, on the active editor's file. */
export async function runWorkflow(page: Page, workflow: string): Promise<void> {
  await dismissNotifications(page);
  // An answer view that is still opening can take the focus back and close a quick input that just opened, as it
  // would under a person's hands: then the picker is opened again, at most three times.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await paletteCommand(page, 'Claude Cache: Run Workflow...');
      const picker = await quickInputTitled(page, 'Claude Cache: Run Workflow');
      await picker.fill(workflow);
      await page.locator(`${QUICK_INPUT} .monaco-list-row.focused`, { hasText: workflow }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await picker.press('Enter');
      await page
        .locator(`${QUICK_INPUT} .quick-input-title`, { hasText: `${workflow}: arguments` })
        .first()
        .waitFor({ state: 'visible', timeout: attempt < 3 ? ARGUMENTS_BOX_TIMEOUT_MS : STEP_TIMEOUT_MS });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await page.locator(`${QUICK_INPUT} .quick-input-box input`).press('Enter');
  await quickInputClosed(page);
}

/** How long the arguments box may take to follow the picker before the picker is opened again. */
const ARGUMENTS_BOX_TIMEOUT_MS = 15_000;

/** Opens a workspace file through Quick Open, as a person would. */
export async function openFile(page: Page, name: string): Promise<void> {
  await paletteCommand(page, 'Go to File...');
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.fill(name);
  await page.locator(`${QUICK_INPUT} .monaco-list-row.focused`, { hasText: name }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.press('Enter');
  // The active tab of the active group: with an answer beside the editor, each group has an active tab, and the
  // run must start from this file's editor, not from the answer the focus may have gone back to.
  await page
    .locator('.editor-group-container.active .tabs-container .tab.active', { hasText: name })
    .first()
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
}

/** The text of every visible editor, each run of whitespace made one space (long lines wrap on screen). */
export async function visibleEditorTexts(page: Page): Promise<string[]> {
  const texts = await page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).allInnerTexts();
  return texts.map((text) => text.replace(/\s+/g, ' '));
}

/** Waits until a visible editor shows text matching `pattern`; returns that editor's text. */
export async function editorShows(page: Page, pattern: RegExp): Promise<string> {
  return waitUntil(async () => (await visibleEditorTexts(page)).find((text) => pattern.test(text)), {
    what: `an editor showing ${pattern}`,
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

/** Waits for a notification toast matching `pattern`; returns it. */
export async function notification(page: Page, pattern: RegExp): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: pattern }).first();
  await toast.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  return toast;
}

/** Clears the toasts and waits until they are gone, so the next notification awaited is a new one. */
export async function dismissNotifications(page: Page): Promise<void> {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  if ((await toasts.count()) === 0) return;
  await runCommand(page, 'Notifications: Clear All Notifications', STEP_TIMEOUT_MS);
  await waitUntil(async () => ((await toasts.count()) === 0 ? true : undefined), {
    what: 'the notifications to clear',
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

/** A modal dialog whose text matches `text`, once visible. */
export async function modalDialog(page: Page, text: string | RegExp): Promise<Locator> {
  const dialog = page.locator('.monaco-dialog-box', { hasText: text }).first();
  await dialog.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  return dialog;
}

/** Presses a dialog's button by its exact label and waits for the dialog to close. */
export async function pressDialogButton(dialog: Locator, label: string): Promise<void> {
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^${label}$`) }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
}

/** Opens the Claude Cache view from the activity bar (a click on it while it is open would close the side bar). */
export async function showCacheView(page: Page): Promise<void> {
  const item = page.locator('.activitybar .action-item').filter({ has: page.locator('a[aria-label^="Claude Cache"]') }).first();
  const open = /\bchecked\b/.test((await item.getAttribute('class')) ?? '') && (await page.locator('.part.sidebar').isVisible());
  if (!open) await item.click();
}

/** A row of the side bar's tree whose label matches `label`. */
export function treeRow(page: Page, label: RegExp): Locator {
  return page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
}

export async function expand(row: Locator): Promise<void> {
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await waitUntil(async () => ((await row.getAttribute('aria-expanded')) === 'true' ? true : undefined), {
    what: 'the tree row to expand',
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

/** Right-clicks `row` and runs `action` from its context menu. */
export async function contextMenuAction(page: Page, row: Locator, action: string): Promise<void> {
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .monaco-menu .action-item', { hasText: action }).first();
  await item.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  // A menu ignores the release of a click that lands right after it opened: click until it takes.
  await waitUntil(
    async () => {
      if (await item.isVisible()) await item.click({ timeout: 5_000 });
      return (await item.isVisible()) ? undefined : true;
    },
    { what: `the context menu to run "${action}"`, timeoutMs: STEP_TIMEOUT_MS, intervalMs: 500 },
  );
}

export function filesNamed(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name === name)
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Waits until the Markdown preview of an answer (a webview: an iframe inside an iframe) shows text matching
 * `pattern`; returns the preview's document body.
 */
export async function previewShows(page: Page, pattern: RegExp) {
  return waitUntil(
    async () => {
      for (const frame of page.frames()) {
        const body = frame.locator('body.vscode-body');
        if ((await body.count().catch(() => 0)) === 0) continue;
        const text = (await body.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
        if (pattern.test(text)) return body;
      }
      return undefined;
    },
    { what: `the answer preview showing ${pattern}`, timeoutMs: STEP_TIMEOUT_MS },
  );
}

/** Waits until the status bar shows text matching `pattern` (the transient messages of a run live there). */
export async function statusBarShows(page: Page, pattern: RegExp): Promise<void> {
  await waitUntil(async () => (pattern.test(await page.locator('.part.statusbar').innerText()) ? true : undefined), {
    what: `the status bar showing ${pattern}`,
    timeoutMs: STEP_TIMEOUT_MS,
  });
}
