import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CONFIG_KEYS,
  CONFIG_KEY_LIST,
  DEFAULT_CONFIG,
  DEFAULT_MODEL,
  configFromEnvironment,
  defaultStorageDir,
  layeredReader,
  objectReader,
  resolveConfig,
  settingsFileReader,
  type ConfigReader,
} from '../../../../src/core/config';
import { LAYERS } from '../../../../src/core/layers';
import { DEFAULT_MODEL as TABLE_DEFAULT_MODEL } from '../../../../src/core/models';

const unset: ConfigReader = () => undefined;

function resolveWith(values: Record<string, unknown>) {
  return resolveConfig(objectReader(values));
}

/** The value at a dotted key of a config object. */
function valueAt(config: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, segment) => (node as Record<string, unknown>)[segment], config);
}

/** Resolves one bad value and returns the single problem it must produce, checking the default was used. */
function onlyProblemFor(key: string, value: unknown) {
  const { config, problems } = resolveWith({ [key]: value });
  assert.equal(problems.length, 1, `${key}=${String(value)} gave ${problems.length} problems`);
  const expected = key === 'storageDir' ? defaultStorageDir() : valueAt(DEFAULT_CONFIG, key);
  assert.deepEqual(valueAt(config, key), expected);
  return problems[0]!;
}

describe('config', () => {
  describe('defaults', () => {
    it('resolves to the defaults with no problems when nothing is set', () => {
      const { config, problems } = resolveConfig(unset);
      assert.deepEqual(problems, []);
      assert.deepEqual({ ...config, storageDir: '' }, DEFAULT_CONFIG);
    });

    it('has the documented defaults', () => {
      const c = DEFAULT_CONFIG;
      assert.equal(c.model, 'claude-sonnet-5-5');
      assert.equal(c.maxTokens, 0, "0: the model's own default");
      assert.equal(c.apiBaseUrl, '');
      assert.equal(c.requestTimeoutSeconds, 120);
      assert.equal(c.providerCache, 'auto');
      assert.deepEqual(
        LAYERS.map((layer) => [c.layers[layer].ttlSeconds, c.layers[layer].memoryBudgetMB]),
        [
          [86400, 10],
          // Module and result keys cover every input: 30 days (issue 16, the real-history replay).
          [2592000, 50],
          [21600, 100],
          [2592000, 200],
        ],
      );
      assert.ok(LAYERS.every((layer) => c.layers[layer].maxEntryMB === 8));
      assert.equal(c.writeMode, 'write-through');
      assert.equal(c.redis.url, '');
      assert.equal(c.redis.keyPrefix, 'claude-cache:');
      assert.equal(c.tiers.timeoutMs, 250);
      assert.equal(c.surreal.url, '');
      assert.equal(c.surreal.namespace, 'claude_cache');
      assert.equal(c.surreal.database, 'cache');
      assert.deepEqual(c.prices, {});
      assert.deepEqual(c.prewarm, { workflows: [], onStartup: false, fromUsage: { onStartup: false, maxUsd: 0.5, maxItems: 10 } });
      assert.deepEqual(c.usage, { retentionDays: 30, maxRecords: 20000 });
      assert.equal(c.ttlTuning.enabled, false);
      assert.deepEqual(c.ttlTuning.layers.result, { minSeconds: 86400, maxSeconds: 7776000 });
      assert.deepEqual(c.ttlTuning.layers.module, { minSeconds: 86400, maxSeconds: 7776000 });
      // Secure by default: encryption is not required, and prompts holding secrets stay off the shared tiers.
      assert.deepEqual(c.encryption, { enabled: false });
      assert.deepEqual(c.secrets, { cacheInSharedTiers: false });
    });

    it('defaults to a model the installed Anthropic SDK lists', () => {
      const typings = readFileSync(
        join(dirname(require.resolve('@anthropic-ai/sdk')), 'resources', 'messages', 'messages.d.ts'),
        'utf8',
      );
      const modelType = /export type Model = ([^;]+);/.exec(typings)?.[1] ?? '';
      assert.ok(modelType.includes(`'${DEFAULT_MODEL}'`), `${DEFAULT_MODEL} is not in the SDK's Model type`);
      assert.equal(DEFAULT_MODEL, TABLE_DEFAULT_MODEL, 'config re-exports the model table default, never its own');
      assert.equal(CONFIG_KEYS.model.default, TABLE_DEFAULT_MODEL);
    });

    it('describes every setting with a type, a default, a description, and a range for numbers', () => {
      // Every leaf of the config is a setting and every setting a leaf, whatever their number.
      const leaves: string[] = [];
      const walk = (node: unknown, path: string): void => {
        if (path !== '' && (CONFIG_KEY_LIST as readonly string[]).includes(path)) leaves.push(path);
        else if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
          for (const [name, child] of Object.entries(node)) walk(child, path === '' ? name : `${path}.${name}`);
        } else assert.fail(`config field ${path} has no setting`);
      };
      walk(DEFAULT_CONFIG, '');
      assert.deepEqual([...leaves].sort(), [...CONFIG_KEY_LIST].sort());
      for (const key of CONFIG_KEY_LIST) {
        const spec = CONFIG_KEYS[key];
        assert.ok(spec.description.length > 10 && !spec.description.includes('\n'), key);
        assert.deepEqual(valueAt(DEFAULT_CONFIG, key), spec.default, key);
        if (spec.type === 'integer' || spec.type === 'number') {
          assert.ok(spec.minimum <= spec.default && spec.default <= spec.maximum, key);
        }
      }
    });

    it('gives a resolved config an absolute storage folder, the platform default when unset', () => {
      assert.equal(resolveConfig(unset).config.storageDir, defaultStorageDir());
      assert.equal(resolveWith({ storageDir: '/srv/cache' }).config.storageDir, '/srv/cache');
      assert.equal(resolveWith({ storageDir: '~/x' }).config.storageDir, join(homedir(), 'x'));
    });

    it('returns a frozen config', () => {
      const { config } = resolveConfig(unset);
      assert.ok(Object.isFrozen(config) && Object.isFrozen(config.layers.result) && Object.isFrozen(DEFAULT_CONFIG));
    });
  });

  describe('valid values', () => {
    it('takes every valid setting', () => {
      const { config, problems } = resolveWith({
        model: 'claude-opus-5-5',
        maxTokens: 128000,
        apiBaseUrl: 'http://127.0.0.1:9999',
        providerCache: '1h',
        'layers.result.ttlSeconds': 60,
        'layers.module.memoryBudgetMB': 1.5,
        writeMode: 'write-behind',
        'redis.url': 'rediss://cache.internal:6380/2',
        'redis.keyPrefix': 'team:',
        'surreal.url': 'surrealkv:///var/cache/db',
        'surreal.username': 'ci-user',
        prices: { 'claude-opus-5-5': { input: 5, cacheRead: 0.5 } },
        'prewarm.workflows': [{ workflow: 'review-file', file: 'src/a.ts', args: ['x'], inputs: { lang: 'ts' } }],
        'prewarm.onStartup': true,
      });
      assert.deepEqual(problems, []);
      assert.equal(config.maxTokens, 128000);
      assert.equal(config.layers.result.ttlSeconds, 60);
      assert.equal(config.layers.prompt.ttlSeconds, 86400);
      assert.equal(config.layers.module.memoryBudgetMB, 1.5);
      assert.equal(config.redis.url, 'rediss://cache.internal:6380/2');
      assert.deepEqual(config.prices, { 'claude-opus-5-5': { input: 5, cacheRead: 0.5 } });
      assert.deepEqual(config.prewarm.workflows, [
        { workflow: 'review-file', file: 'src/a.ts', args: ['x'], inputs: { lang: 'ts' } },
      ]);
      assert.equal(config.prewarm.onStartup, true);
    });

    it('accepts numbers and booleans written as text, and trims text', () => {
      const { config, problems } = resolveWith({
        maxTokens: ' 2048 ',
        'prewarm.onStartup': 'true',
        model: '  claude-haiku-5-5 ',
      });
      assert.deepEqual(problems, []);
      assert.equal(config.maxTokens, 2048);
      assert.equal(config.prewarm.onStartup, true);
      assert.equal(config.model, 'claude-haiku-5-5');
    });

    it('treats null as unset', () => {
      const { config, problems } = resolveWith({ maxTokens: null });
      assert.deepEqual(problems, []);
      assert.equal(config.maxTokens, 0);
    });

    it('accepts an empty URL as "off" or "default" where documented', () => {
      const { config, problems } = resolveWith({ apiBaseUrl: '', 'redis.url': ' ', 'surreal.url': '' });
      assert.deepEqual(problems, []);
      assert.equal(config.redis.url, '');
    });
  });

  describe('bad values', () => {
    it('names the setting, the bad value and the default used, in one sentence', () => {
      const problem = onlyProblemFor('maxTokens', 500000);
      assert.equal(problem.setting, 'claudeCache.maxTokens');
      assert.equal(
        problem.message,
        'claudeCache.maxTokens is 500000, above the maximum 128000; using the default 0.',
      );
    });

    it('refuses numbers out of range, not whole, not finite or not numbers', () => {
      assert.match(onlyProblemFor('maxTokens', -1).message, /below the minimum 0/);
      assert.match(onlyProblemFor('maxTokens', 10.5).message, /not a whole number/);
      assert.match(onlyProblemFor('requestTimeoutSeconds', Number.NaN).message, /not a finite number/);
      assert.match(onlyProblemFor('tiers.timeoutMs', 'fast').message, /"fast", not a number/);
      assert.match(onlyProblemFor('tiers.timeoutMs', '12abc').message, /not a number/);
      assert.match(onlyProblemFor('layers.context.ttlSeconds', -1).message, /claudeCache\.layers\.context\.ttlSeconds/);
      assert.match(onlyProblemFor('surreal.maxEntries', true).message, /not a number/);
      assert.match(onlyProblemFor('surreal.maxEntries', 10n).message, /is 10, not a number/);
    });

    it('refuses a value outside an enum, listing the choices', () => {
      assert.equal(
        onlyProblemFor('providerCache', '10m').message,
        'claudeCache.providerCache is "10m", not one of off, 5m, 1h, auto; using the default "auto".',
      );
      assert.match(onlyProblemFor('writeMode', 'write-around').message, /not one of write-through, write-behind/);
    });

    it('refuses values of the wrong type', () => {
      assert.match(onlyProblemFor('model', 42).message, /is 42, not text; using the default "claude-sonnet-5-5"/);
      assert.match(onlyProblemFor('prewarm.onStartup', 'yes').message, /not true or false/);
      assert.match(onlyProblemFor('model', '').message, /not a model id/);
    });

    it('refuses URLs with the wrong scheme, unparsable URLs and URLs carrying a password', () => {
      assert.equal(
        onlyProblemFor('redis.url', 'http://localhost:6379').message,
        'claudeCache.redis.url is "http://localhost:6379", not a redis:// or rediss:// URL; using the default "" (Redis off).',
      );
      const withPassword = onlyProblemFor('redis.url', 'redis://user:hunter2@host:6379').message;
      assert.match(withPassword, /"redis:\/\/user:\*\*\*@host:6379", a URL with a password in it/);
      assert.ok(!withPassword.includes('hunter2'));
      const rawAt = onlyProblemFor('surreal.url', 'ws://root:Qz@J/Xv@127.0.0.1:8000').message;
      assert.ok(!rawAt.includes('Qz') && !rawAt.includes('J/Xv'), rawAt);
      assert.match(onlyProblemFor('apiBaseUrl', 'ftp://example.com').message, /not an http:\/\/ or https:\/\/ URL/);
      assert.match(onlyProblemFor('apiBaseUrl', 'https://exa mple.com').message, /not a URL/);
      assert.match(onlyProblemFor('surreal.url', 'ftp://127.0.0.1:8000').message, /surrealkv:\/\/, mem:\/\//);
      assert.match(onlyProblemFor('surreal.url', 'ws://root:root@127.0.0.1:8000').message, /password/);
    });

    it('refuses identifiers and prefixes outside their character sets', () => {
      assert.match(onlyProblemFor('redis.keyPrefix', 'my cache*').message, /not 1 to 64 of the characters/);
      assert.match(onlyProblemFor('redis.keyPrefix', '').message, /using the default "claude-cache:"/);
      assert.match(onlyProblemFor('surreal.namespace', 'cache-ns').message, /not an identifier/);
      assert.match(onlyProblemFor('surreal.username', 'a b').message, /not a user name/);
    });

    it('refuses a relative storage folder', () => {
      assert.match(onlyProblemFor('storageDir', 'relative/dir').message, /not an absolute path/);
    });

    it('refuses a relative Redis CA file and takes an absolute one or ~/...', () => {
      assert.match(onlyProblemFor('redis.caFile', 'certs/ca.pem').message, /not an absolute path to a file/);
      assert.equal(resolveWith({ 'redis.caFile': '/etc/ssl/team-ca.pem' }).config.redis.caFile, '/etc/ssl/team-ca.pem');
      assert.equal(resolveWith({ 'redis.caFile': '~/ca.pem' }).config.redis.caFile, '~/ca.pem');
    });

    it('truncates a long bad value in the message', () => {
      const message = onlyProblemFor('model', `bad model ${'x'.repeat(5000)}`).message;
      assert.ok(message.length < 200, `${message.length} characters`);
      assert.match(message, /…/);
    });

    it('refuses malformed price tables', () => {
      const cases: [unknown, RegExp][] = [
        [[1, 2], /not an object of model ids/],
        [{ 'claude-x': 3 }, /not an object of prices/],
        [{ 'claude-x': { input: -1 } }, /input -1, not a non-negative number/],
        [{ 'claude-x': { input: '3' } }, /not a non-negative number/],
        [{ 'claude-x': { inputt: 3 } }, /unknown field "inputt"/],
        [{ ' ': { input: 3 } }, /not a model id/],
      ];
      for (const [value, reason] of cases) {
        const problem = onlyProblemFor('prices', value);
        assert.equal(problem.setting, 'claudeCache.prices');
        assert.match(problem.message, reason);
        assert.match(problem.message, /using the default \{\}\.$/);
      }
    });

    it('keeps a "__proto__" model id as data', () => {
      const prices: unknown = JSON.parse('{"__proto__": {"input": 1}}');
      const { config, problems } = resolveWith({ prices });
      assert.deepEqual(problems, []);
      assert.equal(Object.getPrototypeOf(config.prices), Object.prototype);
      assert.deepEqual(Object.keys(config.prices), ['__proto__']);
    });

    it('refuses malformed prewarm workflows', () => {
      const cases: [unknown, RegExp][] = [
        [{ workflow: 'x' }, /not an array/],
        [['review-file'], /item 0 is not an object/],
        [[{ workflow: '' }], /no "workflow" name/],
        [[{ workflow: 'x', args: 'a b' }], /"args" that are not an array of strings/],
        [[{ workflow: 'x', inputs: { n: 1 } }], /"inputs" that are not an object of strings/],
        [[{ workflow: 'x', file: '' }], /"file" that is not a path/],
        [[{ workflow: 'x', when: 'always' }], /unknown field "when"/],
        [Array.from({ length: 201 }, () => ({ workflow: 'x' })), /more than 200/],
      ];
      for (const [value, reason] of cases) {
        assert.match(onlyProblemFor('prewarm.workflows', value).message, reason);
      }
    });

    it('keeps every other setting when one is bad', () => {
      const { config, problems } = resolveWith({ maxTokens: -5, providerCache: '1h', 'redis.url': 'nope' });
      assert.deepEqual(
        problems.map((p) => p.setting),
        ['claudeCache.maxTokens', 'claudeCache.redis.url'],
      );
      assert.equal(config.providerCache, '1h');
    });

    it('warns once that temperature is no longer supported, and ignores it', () => {
      for (const value of [0, 0.7, '1', 'hot']) {
        const { config, problems } = resolveWith({ temperature: value });
        assert.deepEqual(problems.map((p) => p.setting), ['claudeCache.temperature']);
        assert.match(problems[0]?.message ?? '', /no longer supported by the Claude API \(version 2026-10-21/);
        assert.equal('temperature' in config, false);
      }
      assert.deepEqual(resolveWith({}).problems, []);
    });
  });

  describe('sources', () => {
    it('layers readers so that later ones win and undefined defers', () => {
      const file = objectReader({ maxTokens: 100, requestTimeoutSeconds: 10, model: 'claude-opus-5-5' });
      const env = objectReader({ maxTokens: 200, requestTimeoutSeconds: 20 });
      const flags = objectReader({ maxTokens: 300 });
      const { config } = resolveConfig(layeredReader(file, env, flags));
      assert.equal(config.maxTokens, 300);
      assert.equal(config.requestTimeoutSeconds, 20);
      assert.equal(config.model, 'claude-opus-5-5');
      assert.equal(layeredReader()('maxTokens'), undefined);
    });

    it('maps the environment variables onto their settings, and nothing else', () => {
      const read = configFromEnvironment({
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000',
        CLAUDE_CACHE_REDIS_URL: 'redis://127.0.0.1:6379',
        CLAUDE_CACHE_SURREAL_URL: 'mem://',
        CLAUDE_CACHE_STORAGE_DIR: '/tmp/cc',
        ANTHROPIC_API_KEY: 'sk-secret',
      });
      const { config, problems } = resolveConfig(read);
      assert.deepEqual(problems, []);
      assert.equal(config.apiBaseUrl, 'http://127.0.0.1:4000');
      assert.equal(config.redis.url, 'redis://127.0.0.1:6379');
      assert.equal(config.surreal.url, 'mem://');
      assert.equal(config.storageDir, '/tmp/cc');
      assert.ok(!JSON.stringify(config).includes('sk-secret'));
    });

    it('treats an empty environment variable as unset', () => {
      const file = objectReader({ 'redis.url': 'redis://127.0.0.1:6379' });
      const { config } = resolveConfig(layeredReader(file, configFromEnvironment({ CLAUDE_CACHE_REDIS_URL: '' })));
      assert.equal(config.redis.url, 'redis://127.0.0.1:6379');
    });

    it('reads settings.json keys flat, nested, or mixed', () => {
      const read = settingsFileReader({
        'claudeCache.maxTokens': 111,
        'claudeCache.redis': { url: 'redis://a:1' },
        claudeCache: { layers: { result: { ttlSeconds: 5 } }, 'surreal.namespace': 'ns' },
        'editor.fontSize': 12,
      });
      assert.equal(read('maxTokens'), 111);
      assert.equal(read('redis.url'), 'redis://a:1');
      assert.equal(read('layers.result.ttlSeconds'), 5);
      assert.equal(read('surreal.namespace'), 'ns');
      assert.equal(read('providerCache'), undefined);
      assert.equal(settingsFileReader(null)('maxTokens'), undefined);
      assert.equal(settingsFileReader({ claudeCache: [1] })('maxTokens'), undefined);
    });

    it('reads only own properties', () => {
      assert.equal(objectReader({})('constructor'), undefined);
      assert.equal(settingsFileReader({})('toString'), undefined);
    });
  });

  describe('defaultStorageDir', () => {
    it('uses XDG_CACHE_HOME on Linux when it is absolute, ~/.cache otherwise', () => {
      assert.equal(defaultStorageDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/a'), '/xdg/claude-prompt-cache');
      assert.equal(defaultStorageDir({ XDG_CACHE_HOME: 'rel' }, 'linux', '/home/a'), '/home/a/.cache/claude-prompt-cache');
      assert.equal(defaultStorageDir({}, 'freebsd', '/home/a'), '/home/a/.cache/claude-prompt-cache');
    });

    it("uses the platform's cache folder on macOS and Windows", () => {
      assert.equal(defaultStorageDir({}, 'darwin', '/Users/a'), '/Users/a/Library/Caches/claude-prompt-cache');
      assert.equal(
        defaultStorageDir({ LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'win32', 'C:\\Users\\a'),
        'C:\\Users\\a\\AppData\\Local\\claude-prompt-cache',
      );
      assert.equal(defaultStorageDir({}, 'win32', 'C:\\Users\\a'), 'C:\\Users\\a\\AppData\\Local\\claude-prompt-cache');
    });
  });
});
