import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStartArgs } from '../../../../tools/start/startArgs';

describe('parseStartArgs', () => {
  let cwd: string;

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'start-args-'));
    mkdirSync(join(cwd, 'project'));
    writeFileSync(join(cwd, 'file.txt'), '');
  });

  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('opens the current folder by default, in desktop VS Code when there is one', () => {
    assert.deepEqual(parseStartArgs([], cwd), { workspace: cwd, web: false, port: undefined });
  });

  it('resolves a relative workspace from the current folder', () => {
    assert.equal(parseStartArgs(['project'], cwd).workspace, join(cwd, 'project'));
  });

  it('takes --web and --port', () => {
    assert.deepEqual(parseStartArgs(['--web', '--port', '8123', 'project'], cwd), {
      workspace: join(cwd, 'project'),
      web: true,
      port: 8123,
    });
  });

  it('rejects a bad port, an unknown option, two workspaces and a workspace that is not a folder', () => {
    assert.throws(() => parseStartArgs(['--port', 'x'], cwd), /--port needs a port number/);
    assert.throws(() => parseStartArgs(['--port'], cwd), /--port needs a port number/);
    assert.throws(() => parseStartArgs(['--verbose'], cwd), /unknown option --verbose/);
    assert.throws(() => parseStartArgs(['project', 'other'], cwd), /one workspace folder at most/);
    assert.throws(() => parseStartArgs(['file.txt'], cwd), /is not a folder/);
    assert.throws(() => parseStartArgs(['missing'], cwd), /is not a folder/);
  });
});
