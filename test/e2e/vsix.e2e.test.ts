import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../tools/common/paths';
import { packageVsix, type PackagedVsix } from '../../tools/package/packageVsix';
import { openWorkbench, type Workbench } from './workbench';
import { recordMetrics, runCommand, screenshot, waitForExtensionStatusBarItem, waitForOutput } from './workbenchActions';

// The id VS Code gives the extension (publisher.name), which prefixes its status-bar items' element ids.
const EXTENSION_ID = 'claude-prompt-cache.claude-prompt-cache';

// The first run installs code-server (about a minute, cached afterwards) before the workbench opens.
const SETUP_TIMEOUT_MS = 20 * 60_000;

describe('the packaged VSIX in VS Code (code-server + Chromium)', function () {
  let scratch: string | undefined;
  let vsix: PackagedVsix | undefined;
  let workbench: Workbench | undefined;

  before(async function () {
    this.timeout(SETUP_TIMEOUT_MS);
    scratch = mkdtempSync(join(tmpdir(), 'claude-prompt-cache-vsix-e2e-'));
    // The production build goes to a staging folder: dist/ keeps the development build.
    vsix = await packageVsix({ repo: repoRoot(), outFile: join(scratch, 'extension.vsix'), verify: false });
    workbench = await openWorkbench({ kind: 'vsix', file: vsix.file });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await screenshot(workbench.page, 'failed-vsix').catch(() => undefined);
    }
  });

  after(async function () {
    this.timeout(120_000);
    await workbench?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('installs with code-server --install-extension and activates', async function () {
    assert.ok(vsix && workbench, 'the VSIX was not built or the workbench did not open');
    const { page, navigationStartedAt } = workbench;
    await waitForExtensionStatusBarItem(page, EXTENSION_ID, 120_000);
    const activationMs = Date.now() - navigationStartedAt;
    await runCommand(page, 'Claude Cache: Show Log');
    assert.match(await waitForOutput(page, /\[extension\] activated/), /\[extension\] activated/);
    await screenshot(page, 'vsix-activation-log');
    recordMetrics({ vsixBytes: vsix.bytes, vsixActivationUntilStatusBarMs: activationMs });
    process.stdout.write(
      `      VSIX ${(vsix.bytes / 1024 / 1024).toFixed(1)} MiB, status-bar item after ${activationMs} ms\n`,
    );
  });
});
