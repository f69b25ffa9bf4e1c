import assert from 'node:assert/strict';
import { CONFIG_KEYS, type ConfigReader } from '../../../../src/core/config';
import { configFromSettings, TRUST_RESTRICTED_SETTINGS, trustAwareReader } from '../../../../src/extension/config/settingsConfig';
import { describeRemoval, removalConfirmation } from '../../../../src/extension/commands/removalMessage';
import { entryJson } from '../../../../src/extension/views/entryJson';

const reader =
  (values: Record<string, unknown>): ConfigReader =>
  (key) =>
    values[key];

describe('configFromSettings', () => {
  it("keeps the cache in the extension's global storage when storageDir is empty or unset", () => {
    assert.equal(configFromSettings(reader({ storageDir: '' }), '/global/storage').config.storageDir, '/global/storage');
    assert.equal(configFromSettings(reader({}), '/global/storage').config.storageDir, '/global/storage');
  });

  it('uses a storageDir the user set', () => {
    assert.equal(configFromSettings(reader({ storageDir: '/my/cache' }), '/global').config.storageDir, '/my/cache');
  });

  it('reports one problem per refused setting, naming it, and falls back to its default', () => {
    const { config, problems } = configFromSettings(reader({ maxTokens: -3, 'redis.url': 'http://x' }), '/g');
    assert.equal(config.maxTokens, CONFIG_KEYS.maxTokens.default);
    assert.equal(config.redis.url, '');
    assert.deepEqual(
      problems.map((problem) => problem.setting),
      ['claudeCache.maxTokens', 'claudeCache.redis.url'],
    );
    assert.match(problems[0]?.message ?? '', /claudeCache\.maxTokens/);
  });
});

describe('trustAwareReader', () => {
  const workspace = reader({ apiBaseUrl: 'https://evil.example', model: 'claude-opus-5-5', storageDir: '/ws/cache' });
  const user = reader({ apiBaseUrl: 'https://proxy.corp' });

  it('reads every setting as is in a trusted workspace', () => {
    const read = trustAwareReader(workspace, user, true);
    assert.equal(read('apiBaseUrl'), 'https://evil.example');
  });

  it("reads only the user's value of settings that route the key or the cache, in an untrusted workspace", () => {
    const read = trustAwareReader(workspace, user, false);
    assert.equal(read('apiBaseUrl'), 'https://proxy.corp');
    assert.equal(read('storageDir'), undefined);
    assert.equal(read('model'), 'claude-opus-5-5', 'harmless settings still come from the workspace');
  });

  it('restricts only settings that exist', () => {
    for (const key of TRUST_RESTRICTED_SETTINGS) assert.ok(key in CONFIG_KEYS, key);
  });
});

describe('describeRemoval', () => {
  it('counts removed entries per tier, naming every tier it touched, zeros included', () => {
    assert.equal(
      describeRemoval(
        'Result layer invalidated',
        { scope: 'layer', layer: 'result', removed: { memory: 0, redis: 0, surreal: 5 }, unreachable: [], remote: false },
        ['memory', 'surreal'],
      ),
      'Claude Cache: Result layer invalidated: 5 entries removed (0 from memory, 5 from SurrealDB).',
    );
    assert.equal(
      describeRemoval('x', { scope: 'key', layer: 'prompt', removed: { memory: 1, redis: 0, surreal: 0 }, unreachable: [], remote: false }),
      'Claude Cache: x: 1 entry removed (1 from memory).',
    );
  });

  it('says which tiers it could not reach, since they may still hold entries', () => {
    assert.equal(
      describeRemoval(
        'everything invalidated',
        { scope: 'all', layer: null, removed: { memory: 2, redis: 0, surreal: 0 }, unreachable: ['redis'], remote: false },
        ['memory', 'redis'],
      ),
      'Claude Cache: everything invalidated: 2 entries removed (2 from memory; Redis could not be reached and may still hold some).',
    );
  });
});

describe('removalConfirmation', () => {
  it('asks with the same words for a layer whichever entry point asked, naming the tiers it will touch', () => {
    const confirmation = removalConfirmation({ kind: 'layer', layer: 'Result' }, ['memory', 'redis', 'surreal']);
    assert.equal(confirmation.message, 'Remove every entry of the Result layer from memory, Redis and SurrealDB?');
    assert.equal(confirmation.button, 'Invalidate');
    assert.match(confirmation.detail, /paid for again/);
  });

  it('names the one tier a tier removal touches, and the scope of a pattern', () => {
    assert.match(removalConfirmation({ kind: 'tier', layer: 'Prompt', tier: 'redis' }, ['memory', 'redis']).message, /^Remove every entry of the Prompt layer from Redis\? The other tiers keep their copies\.$/);
    assert.equal(
      removalConfirmation({ kind: 'pattern', pattern: 'review-file:*', layer: null }).message,
      'Remove the keys matching review-file:* from every layer in memory?',
    );
    assert.equal(removalConfirmation({ kind: 'all' }, ['memory', 'surreal']).button, 'Invalidate All');
  });
});

describe('entryJson', () => {
  it('renders plain values as indented JSON', () => {
    assert.equal(entryJson({ text: 'hi', n: 1 }), '{\n  "text": "hi",\n  "n": 1\n}');
  });

  it('renders what JSON cannot: bytes, bigints, maps, sets, undefined and cycles', () => {
    const value: Record<string, unknown> = {
      bytes: new Uint8Array(3),
      big: 10n,
      map: new Map([['a', 1]]),
      set: new Set([1, 2]),
      missing: undefined,
    };
    value.self = value;
    assert.deepEqual(JSON.parse(entryJson(value)), {
      bytes: { bytes: 3 },
      big: '10',
      map: { a: 1 },
      set: [1, 2],
      missing: null,
      self: '[circular]',
    });
  });
});
