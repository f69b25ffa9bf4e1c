import assert from 'node:assert/strict';
import { CONFIG_KEYS, CONFIG_KEY_LIST, objectReader, resolveConfig, settingId, type AnySettingSpec } from '../../../../src/core/config';
import { decodeValue, encodeValue } from '../../../../src/core/codec';
import { InvalidKeyError } from '../../../../src/core/errors';
import { LAYERS } from '../../../../src/core/layers';
import { MemoryStore } from '../../../../src/core/stores/memory/memoryStore';
import { TieredCache } from '../../../../src/core/tiered/tieredCache';

/** Values of the wrong type (or out of range) for each kind of setting. */
function wrongValues(spec: AnySettingSpec): unknown[] {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const common: unknown[] = [{ nested: { deep: [1, 2] } }, circular, () => 1, Symbol('s'), 10n];
  switch (spec.type) {
    case 'string':
      return [42, true, [], ['a'], ...common];
    case 'integer':
    case 'number': {
      const values: unknown[] = ['abc', '', '12abc', true, [], [1], NaN, Infinity, -Infinity, '1e999', spec.minimum - 1, spec.maximum + 1, ...common];
      if (spec.type === 'integer') values.push(spec.minimum + 0.5, '1.5');
      return values;
    }
    case 'boolean':
      return ['yes', 'TRUE ', 1, 0, [], {}, ...common];
    case 'object':
      return ['x', 42, true, [], [{ a: 1 }], circular, 10n];
    case 'array':
      return ['x', 42, true, {}, { length: 1 }, 10n];
  }
}

describe('bad input: settings of the wrong type, for every key', () => {
  for (const key of CONFIG_KEY_LIST) {
    const spec: AnySettingSpec = CONFIG_KEYS[key];
    it(`refuses wrong ${spec.type} values of ${settingId(key)} with one clear problem and keeps the default`, () => {
      const { config: defaults } = resolveConfig(objectReader({}));
      for (const [index, value] of wrongValues(spec).entries()) {
        const shown = `value #${index} (${typeof value})`;
        let resolved: ReturnType<typeof resolveConfig>;
        try {
          resolved = resolveConfig(objectReader({ [key]: value }));
        } catch (error) {
          assert.fail(`${key} = ${shown} threw ${String(error)}`);
        }
        const { config, problems } = resolved;
        assert.equal(problems.length, 1, `${key} = ${shown}: ${JSON.stringify(problems)}`);
        const [problem] = problems;
        assert.equal(problem?.setting, settingId(key));
        assert.match(problem?.message ?? '', new RegExp(`^${settingId(key).replace(/\./g, '\\.')} is .+; using the default `));
        assert.ok((problem?.message.length ?? 0) < 400, 'a bounded message');
        assert.deepEqual(config, defaults, `${key} = ${shown} did not keep the defaults`);
      }
    });
  }

  it('keeps every other setting when one is wrong', () => {
    const { config, problems } = resolveConfig(objectReader({ maxTokens: 'lots', providerCache: '1h', 'redis.url': 7 }));
    assert.equal(problems.length, 2);
    assert.equal(config.providerCache, '1h');
  });
});

describe('bad input: keys and patterns through TieredCache', () => {
  const BAD_KEYS = [
    '',
    '*',
    'a*b',
    'a?b',
    '[abc]',
    '{a,b}',
    'a b',
    'a/b',
    "a'b",
    'a\nb',
    'a\u0000b',
    '\u001b[31m',
    'ключ',
    'naïve',
    '🔑',
    'a\u202Eb',
    'x'.repeat(513),
    'x'.repeat(100_000),
  ];
  const BAD_PATTERNS = ['', '[a-z]*', '{a,b}*', 'a b*', 'a\u0001*', 'é*', '🔑?', 'a/b*', '*'.repeat(513), 'x'.repeat(10_000)];
  let cache: TieredCache;

  beforeEach(async () => {
    const budgets = Object.fromEntries(LAYERS.map((layer) => [layer, 1024 * 1024])) as Record<(typeof LAYERS)[number], number>;
    cache = await TieredCache.create({
      memory: new MemoryStore({ budgets }),
      codec: { encode: encodeValue, decode: decodeValue },
      layers: Object.fromEntries(LAYERS.map((layer) => [layer, { ttlMs: 60_000, maxEntryBytes: 1024 }])) as never,
    });
    await cache.set('result', 'keep:me', 'kept');
  });

  afterEach(async () => {
    await cache.close();
  });

  for (const key of BAD_KEYS) {
    it(`refuses the key ${JSON.stringify(key.slice(0, 20))}${key.length > 20 ? `… (${key.length} chars)` : ''} everywhere, computing nothing and losing nothing`, async () => {
      const refused = (error: unknown) => {
        assert.ok(error instanceof InvalidKeyError);
        assert.equal(error.code, 'E_INVALID_KEY');
        assert.match(error.message, /^not a cache key: /);
        assert.ok(error.message.length < 200, 'the message quotes a bounded part of the key');
        return true;
      };
      let computed = 0;
      await assert.rejects(cache.set('result', key, 'v'), refused);
      await assert.rejects(cache.get('result', key), refused);
      await assert.rejects(cache.getOrCompute('result', key, () => ++computed), refused);
      await assert.rejects(cache.getMany('result', ['keep:me', key]), refused);
      await assert.rejects(cache.setMany('result', [{ key, value: 'v' }]), refused);
      await assert.rejects(cache.invalidate('result', key), refused);
      assert.equal(computed, 0);
      assert.equal((await cache.get<string>('result', 'keep:me'))?.value, 'kept');
    });
  }

  for (const pattern of BAD_PATTERNS) {
    it(`refuses the pattern ${JSON.stringify(pattern.slice(0, 20))} and removes nothing`, async () => {
      await assert.rejects(cache.invalidatePattern(pattern), (error: unknown) => {
        assert.ok(error instanceof InvalidKeyError);
        assert.match(error.message, /not a cache key pattern: .*\(letters, digits, \. _ : - and the wildcards \* \?\)/);
        return true;
      });
      assert.equal((await cache.get<string>('result', 'keep:me'))?.value, 'kept');
    });
  }

  it('takes the longest allowed key and a pattern of only wildcards', async () => {
    const longest = 'k'.repeat(512);
    assert.equal(await cache.set('module', longest, 1), true);
    assert.equal((await cache.get('module', longest))?.value, 1);
    const event = await cache.invalidatePattern('k*', 'module');
    assert.equal(event.removed.memory, 1);
    assert.equal((await cache.invalidatePattern('*')).removed.memory, 1);
  });
});
