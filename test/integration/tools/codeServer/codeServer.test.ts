import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CODE_SERVER_VERSION,
  ensureCodeServer,
  installExtension,
  launchCodeServer,
  QUIET_SETTINGS,
  type CodeServerInstall,
} from '../../../../tools/codeServer/codeServer';
import { CodeServerStartError } from '../../../../tools/codeServer/errors';

// A stand-in for code-server's entry script: answers /healthz on --bind-addr and records its arguments, or
// fails the way the FAKE_MODE environment variable says. The real server is exercised by the e2e suite.
const FAKE_ENTRY = `
const http = require('node:http');
const fs = require('node:fs');
const args = process.argv.slice(2);
const value = (name) => args[args.indexOf(name) + 1];
fs.writeFileSync(process.env.FAKE_ARGS_FILE, JSON.stringify(args));
if (args.includes('--install-extension')) {
  if (process.env.FAKE_MODE === 'fail-install') { console.error('cannot install'); process.exit(1); }
  process.exit(0);
}
if (process.env.FAKE_MODE === 'crash') { console.error('boom: something broke'); process.exit(2); }
const [host, port] = value('--bind-addr').split(':');
http.createServer((req, res) => res.end(req.url === '/healthz' ? '{"status":"alive"}' : 'workbench'))
  .on('error', (error) => { console.error(error.message); process.exit(1); })
  .listen(Number(port), host);
`;

describe('code-server launcher (with a stand-in server)', function () {
  this.timeout(60_000);
  let root: string;
  let install: CodeServerInstall;
  let argsFile: string;
  const workspace = (): string => join(root, 'workspace');
  const recordedArgs = (): string[] => JSON.parse(readFileSync(argsFile, 'utf8')) as string[];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'code-server-launcher-'));
    const dir = join(root, 'cache', `code-server-${CODE_SERVER_VERSION}`);
    const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
    mkdirSync(join(entry, '..'), { recursive: true });
    writeFileSync(entry, FAKE_ENTRY);
    writeFileSync(join(dir, '.complete'), '');
    install = { version: CODE_SERVER_VERSION, dir, entry };
    argsFile = join(root, 'args.json');
    mkdirSync(workspace());
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reuses a completed install without running npm', async () => {
    assert.deepEqual(await ensureCodeServer({ cacheDir: join(root, 'cache') }), install);
  });

  it('serves on 127.0.0.1 without auth, telemetry, update check or trust prompt, and answers before returning', async () => {
    const server = await launchCodeServer({ workspace: workspace(), install, env: { FAKE_ARGS_FILE: argsFile } });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(server.folderUrl, `${server.url}?folder=${encodeURIComponent(workspace())}`);
      assert.equal((await fetch(`${server.url}healthz`)).status, 200);
      const args = recordedArgs();
      assert.equal(args[args.indexOf('--bind-addr') + 1], `127.0.0.1:${server.port}`);
      for (const flag of ['--disable-telemetry', '--disable-update-check', '--disable-workspace-trust']) {
        assert.ok(args.includes(flag), flag);
      }
      assert.equal(args[args.indexOf('--auth') + 1], 'none');
      assert.equal(args.at(-1), workspace());
    } finally {
      await server.stop();
    }
  });

  it('writes quiet user settings into a temporary profile and removes its folders on stop', async () => {
    const server = await launchCodeServer({ workspace: workspace(), install, env: { FAKE_ARGS_FILE: argsFile } });
    const settings = JSON.parse(readFileSync(join(server.userDataDir, 'User', 'settings.json'), 'utf8')) as unknown;
    assert.deepEqual(settings, QUIET_SETTINGS);
    await server.stop();
    await server.stop();
    assert.equal(existsSync(server.userDataDir), false);
    assert.equal(existsSync(server.extensionsDir), false);
  });

  it('keeps folders it was given, and the settings already in them', async () => {
    const userDataDir = join(root, 'profile');
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(join(userDataDir, 'User', 'settings.json'), '{ "editor.fontSize": 20 }');
    const extensionsDir = join(root, 'extensions');
    const server = await launchCodeServer({
      workspace: workspace(),
      install,
      userDataDir,
      extensionsDir,
      env: { FAKE_ARGS_FILE: argsFile },
    });
    await server.stop();
    assert.equal(readFileSync(join(userDataDir, 'User', 'settings.json'), 'utf8'), '{ "editor.fontSize": 20 }');
    assert.ok(existsSync(extensionsDir));
  });

  it('reports the server output when it exits while starting', async () => {
    await assert.rejects(
      launchCodeServer({ workspace: workspace(), install, env: { FAKE_ARGS_FILE: argsFile, FAKE_MODE: 'crash' } }),
      (error: unknown) =>
        error instanceof CodeServerStartError &&
        /gave up waiting for code-server .*it exited \(2\)/.test(error.message) &&
        /boom: something broke/.test(error.message),
    );
  });

  it('fails on a fixed port that is taken instead of picking another', async () => {
    const blocker: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      await assert.rejects(
        launchCodeServer({ workspace: workspace(), install, port, env: { FAKE_ARGS_FILE: argsFile } }),
        /EADDRINUSE/,
      );
    } finally {
      blocker.close();
    }
  });

  it('installs a VSIX with the server CLI into the given extensions folder', async () => {
    process.env.FAKE_ARGS_FILE = argsFile;
    try {
      await installExtension('/path/to/x.vsix', join(root, 'extensions'), install);
      const args = recordedArgs();
      assert.equal(args[args.indexOf('--install-extension') + 1], '/path/to/x.vsix');
      assert.equal(args[args.indexOf('--extensions-dir') + 1], join(root, 'extensions'));
      process.env.FAKE_MODE = 'fail-install';
      await assert.rejects(installExtension('/path/to/x.vsix', root, install), /--install-extension .*cannot install/s);
    } finally {
      delete process.env.FAKE_ARGS_FILE;
      delete process.env.FAKE_MODE;
    }
  });
});
