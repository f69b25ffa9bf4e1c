import assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from './workbench';
import {
  openView,
  recordMetrics,
  runCommand,
  screenshot,
  statusBarText,
  waitForOutput,
  waitForExtensionStatusBarItem,
} from './workbenchActions';

// The id VS Code gives the extension (publisher.name), which prefixes its status-bar items' element ids.
const EXTENSION_ID = 'claude-prompt-cache.claude-prompt-cache';

// The first run installs code-server (about a minute, cached afterwards) before the workbench opens.
const SETUP_TIMEOUT_MS = 20 * 60_000;

describe('Claude Prompt Cache in VS Code (code-server + Chromium)', function () {
  let workbench: Workbench | undefined;

  before(async function () {
    this.timeout(SETUP_TIMEOUT_MS);
    workbench = await openWorkbench({ kind: 'dev' });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await screenshot(workbench.page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
    }
  });

  after(async function () {
    this.timeout(120_000);
    await workbench?.close();
  });

  function opened(): Workbench {
    assert.ok(workbench, 'the workbench did not open');
    return workbench;
  }

  it('activates on startup and shows its status-bar item', async function () {
    const { page, navigationStartedAt, workbenchReadyMs } = opened();
    const item = await waitForExtensionStatusBarItem(page, EXTENSION_ID, 120_000);
    const activationMs = Date.now() - navigationStartedAt;
    const text = (await item.innerText()).trim();
    assert.notEqual(text, '', 'the item shows something');
    assert.ok((await statusBarText(page)).includes(text));
    recordMetrics({ workbenchReadyMs, activationUntilStatusBarMs: activationMs });
    process.stdout.write(
      `      workbench ready ${workbenchReadyMs} ms, status-bar item after ${activationMs} ms (from navigation)\n`,
    );
  });

  it('"Claude Cache: Show Log" shows the log channel with the activation line', async function () {
    const { page } = opened();
    await runCommand(page, 'Claude Cache: Show Log');
    const text = await waitForOutput(page, /\[extension\] activated/);
    assert.match(text, /\[info\] \[extension\] activated/);
    await screenshot(page, 'activation-log');
  });

  it('opens the fixture workspace and its views by name', async function () {
    const { page } = opened();
    await openView(page, 'Search');
    await page.locator('.search-view').waitFor({ state: 'visible' });
    await openView(page, 'Explorer');
    const explorer = page.locator('.explorer-folders-view');
    await explorer.getByText('README.md', { exact: true }).waitFor({ state: 'visible' });
    assert.ok(await explorer.getByText('src', { exact: true }).isVisible());
  });
});
