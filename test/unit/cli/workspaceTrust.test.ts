import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCliConfig } from '../../../src/cli/cliConfig';
import { USER_SETTINGS_ENV, userSettingsPath } from '../../../src/cli/userSettingsPath';
import { TRUST_WORKSPACE_ENV, ignoredSettingsNotice, workspaceTrusted } from '../../../src/cli/workspaceTrust';
import { CONFIG_KEYS, TRUST_RESTRICTED_SETTINGS } from '../../../src/core/config';

describe('trust-restricted settings', () => {
  it('are the settings CONFIG_KEYS marks, and exactly the ones that route the key, the cache or a password', () => {
    assert.deepEqual([...TRUST_RESTRICTED_SETTINGS].sort(), [
      'apiBaseUrl',
      'redis.caFile',
      'redis.keyPrefix',
      'redis.mode',
      'redis.nodes',
      'redis.sentinelName',
      'redis.url',
      'storageDir',
      'surreal.url',
      'surreal.username',
    ]);
    for (const key of TRUST_RESTRICTED_SETTINGS) assert.equal(CONFIG_KEYS[key].trustRestricted, true, key);
  });
});

describe('loadCliConfig in a workspace that is not trusted', () => {
  let root: string;
  let workspace: string;
  let userFile: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cli-trust-'));
    workspace = path.join(root, 'cloned-repo');
    userFile = path.join(root, 'user-settings.json');
    await mkdir(path.join(workspace, '.vscode'), { recursive: true });
    await writeFile(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({
        'claudeCache.apiBaseUrl': 'http://127.0.0.1:9/steal-the-key',
        'claudeCache.redis.url': 'redis://127.0.0.1:9',
        'claudeCache.redis.keyPrefix': 'other-project:',
        'claudeCache.storageDir': '/tmp/hostile-storage',
        'claudeCache.model': 'claude-opus-4-1',
        'claudeCache.maxTokens': 1234,
      }),
    );
    await writeFile(userFile, '{ // JSONC, as VS Code writes it\n "claudeCache.apiBaseUrl": "https://gateway.example.com", }');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("takes the restricted settings from the user's file and the environment, the others from the workspace", async () => {
    const loaded = await loadCliConfig(workspace, { CLAUDE_CACHE_STORAGE_DIR: path.join(root, 'mine') }, {}, { userSettingsFile: userFile });
    assert.equal(loaded.config.apiBaseUrl, 'https://gateway.example.com');
    assert.equal(loaded.config.redis.url, '');
    assert.equal(loaded.config.redis.keyPrefix, 'claude-cache:');
    assert.equal(loaded.config.storageDir, path.join(root, 'mine'));
    assert.equal(loaded.config.model, 'claude-opus-4-1', 'an unrestricted workspace setting still applies');
    assert.equal(loaded.config.maxTokens, 1234);
    assert.equal(loaded.userSettingsFile, userFile);
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(
      loaded.ignoredWorkspaceSettings,
      ['claudeCache.apiBaseUrl', 'claudeCache.redis.url', 'claudeCache.redis.keyPrefix'],
      'storageDir came from the environment anyway, so ignoring the workspace value changed nothing worth a word',
    );
  });

  it('lets flags and the environment override as before, without reporting what they replaced', async () => {
    const loaded = await loadCliConfig(
      workspace,
      { CLAUDE_CACHE_REDIS_URL: 'redis://10.0.0.5:6379', CLAUDE_CACHE_REDIS_KEY_PREFIX: 'ci:' },
      { apiBaseUrl: 'https://flag.example.com', storageDir: path.join(root, 'flag') },
    );
    assert.equal(loaded.config.redis.url, 'redis://10.0.0.5:6379');
    assert.equal(loaded.config.redis.keyPrefix, 'ci:');
    assert.equal(loaded.config.apiBaseUrl, 'https://flag.example.com');
    assert.deepEqual(loaded.ignoredWorkspaceSettings, []);
  });

  it('uses every workspace setting when the workspace is trusted', async () => {
    const loaded = await loadCliConfig(workspace, {}, {}, { userSettingsFile: userFile, trustWorkspace: true });
    assert.equal(loaded.config.apiBaseUrl, 'http://127.0.0.1:9/steal-the-key');
    assert.equal(loaded.config.redis.url, 'redis://127.0.0.1:9');
    assert.equal(loaded.config.redis.keyPrefix, 'other-project:');
    assert.equal(loaded.config.storageDir, '/tmp/hostile-storage');
    assert.deepEqual(loaded.ignoredWorkspaceSettings, []);
  });

  it('reads no user file when there is none', async () => {
    const loaded = await loadCliConfig(workspace, {}, {}, { userSettingsFile: path.join(root, 'absent.json') });
    assert.equal(loaded.userSettingsFile, undefined);
    assert.equal(loaded.config.apiBaseUrl, '');
  });
});

describe('workspaceTrusted', () => {
  it('trusts on --trust-workspace or CLAUDE_CACHE_TRUST_WORKSPACE=1/true only', () => {
    assert.equal(workspaceTrusted(true, {}), true);
    for (const value of ['1', 'true', 'TRUE', ' 1 ']) assert.equal(workspaceTrusted(undefined, { [TRUST_WORKSPACE_ENV]: value }), true, value);
    for (const value of ['', '0', 'false', 'no', 'yes-please']) {
      assert.equal(workspaceTrusted(undefined, { [TRUST_WORKSPACE_ENV]: value }), false, value);
    }
    assert.equal(workspaceTrusted(undefined, {}), false);
  });

  it('explains the ignored settings in one line, naming them and both ways to trust, never their values', () => {
    const notice = ignoredSettingsNotice(['claudeCache.apiBaseUrl', 'claudeCache.redis.url'], '/r/.vscode/settings.json');
    assert.equal(notice.split('\n').length, 2);
    assert.ok(notice.endsWith('\n'));
    assert.match(notice, /claudeCache\.apiBaseUrl, claudeCache\.redis\.url from \/r\/\.vscode\/settings\.json/);
    assert.match(notice, /--trust-workspace/);
    assert.match(notice, /CLAUDE_CACHE_TRUST_WORKSPACE=1/);
  });
});

describe('userSettingsPath', () => {
  it("finds VS Code's user settings.json where the VS Code documentation says, per platform", () => {
    assert.equal(userSettingsPath({ HOME: '/home/ana' }, '/', 'linux'), '/home/ana/.config/Code/User/settings.json');
    assert.equal(
      userSettingsPath({ HOME: '/home/ana', XDG_CONFIG_HOME: '/cfg' }, '/', 'linux'),
      '/cfg/Code/User/settings.json',
    );
    assert.equal(
      userSettingsPath({ HOME: '/Users/ana' }, '/', 'darwin'),
      '/Users/ana/Library/Application Support/Code/User/settings.json',
    );
    assert.equal(
      userSettingsPath({ APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\', 'win32'),
      'C:\\Users\\ana\\AppData\\Roaming\\Code\\User\\settings.json',
    );
    assert.equal(
      userSettingsPath({ USERPROFILE: 'C:\\Users\\ana' }, 'C:\\', 'win32'),
      'C:\\Users\\ana\\AppData\\Roaming\\Code\\User\\settings.json',
    );
    assert.equal(userSettingsPath({ HOME: '/home/ana', VSCODE_APPDATA: '/data' }, '/', 'linux'), '/data/Code/User/settings.json');
  });

  it('takes CLAUDE_CACHE_USER_SETTINGS first, relative to the working folder, and gives up without a home', () => {
    assert.equal(userSettingsPath({ HOME: '/home/ana', [USER_SETTINGS_ENV]: 'ci/settings.json' }, '/job', 'linux'), path.resolve('/job', 'ci/settings.json'));
    assert.equal(userSettingsPath({}, '/', 'linux'), undefined);
    assert.equal(userSettingsPath({}, '/', 'darwin'), undefined);
    assert.equal(userSettingsPath({}, 'C:\\', 'win32'), undefined);
  });
});
