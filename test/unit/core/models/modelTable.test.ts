import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  DEFAULT_MODEL,
  FAMILY_ALIASES,
  MODEL_TABLE,
  ModelRetiredError,
  TABLE_CHECKED_ON,
  UnknownModelError,
  defaultMaxTokens,
  findModel,
  knownModelIds,
  lifecycleOf,
  minCacheableTokens,
  modelFacts,
  parseModelName,
  resolveModel,
  resolvePrices,
  thinksByDefault,
} from '../../../../src/core/models';

/** The ids the installed SDK's `Model` type lists, read from its typings (the type has no runtime value). */
function sdkModelIds(): Set<string> {
  const typings = readFileSync(
    join(dirname(require.resolve('@anthropic-ai/sdk')), 'resources', 'messages', 'messages.d.ts'),
    'utf8',
  );
  const modelType = /export type Model = ([^;]+);/.exec(typings)?.[1];
  assert.ok(modelType, 'the SDK typings have no Model type');
  return new Set([...modelType.matchAll(/'([^']+)'/g)].map((match) => match[1] as string));
}

const TODAY = '2026-12-06';

describe('model table', () => {
  it('lists every id once, canonical and snapshot ids alike', () => {
    const ids = MODEL_TABLE.flatMap((record) => [record.id, ...record.otherIds]);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(knownModelIds().sort(), [...ids].sort());
    const familyVersions = MODEL_TABLE.map((record) => `${record.family} ${record.version}`);
    assert.equal(new Set(familyVersions).size, familyVersions.length, 'a display name must name one row');
  });

  it('only holds ids the installed SDK lists, or the docs page each row cites', () => {
    const sdk = sdkModelIds();
    for (const record of MODEL_TABLE) {
      assert.equal(sdk.has(record.id), record.sdkListed, `${record.id}: sdkListed disagrees with the SDK's Model type`);
      if (!record.sdkListed) assert.match(record.source, /^https:\/\/platform\.claude\.com\/docs\//, record.id);
      for (const other of record.otherIds) {
        assert.ok(sdk.has(other) || !record.sdkListed, `${other} is not in the SDK's Model type`);
      }
    }
    for (const id of sdk) assert.ok(findModel(id), `the SDK lists ${id}, the table does not`);
  });

  it('gives every model still served limits that make sense, and a default max_tokens within max output', () => {
    for (const record of MODEL_TABLE) {
      const retiredBeforeCheck = record.lifecycle.retiresOn !== undefined && record.lifecycle.retiresOn <= TABLE_CHECKED_ON;
      if (!record.facts) {
        assert.ok(retiredBeforeCheck, `${record.id} is served but has no facts`);
        continue;
      }
      const f = record.facts;
      assert.ok(f.defaultMaxTokens > 0 && f.defaultMaxTokens <= f.maxOutputTokens, `${record.id} default max_tokens`);
      assert.ok(f.maxOutputTokens < f.contextWindow, record.id);
      assert.ok([512, 1024, 2048, 4096].includes(f.minCacheableTokens), record.id);
      if (!retiredBeforeCheck) assert.ok(record.prices || record.id === 'claude-mythos-preview', `${record.id} has no price`);
    }
  });

  it('leaves room for thinking on the models that think by default', () => {
    for (const id of ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-fable-5-2', 'claude-opus-5']) {
      assert.equal(thinksByDefault(id), true, id);
      assert.ok(defaultMaxTokens(id) >= 32_000, id);
    }
    for (const id of ['claude-opus-4-8', 'claude-sonnet-4-6', 'claude-haiku-4-5-20251001']) {
      assert.equal(thinksByDefault(id), false, id);
    }
    assert.equal(defaultMaxTokens('claude-opus-5-5'), 64_000);
    assert.equal(modelFacts('claude-haiku-4-5').maxOutputTokens, 64_000);
    assert.equal(modelFacts('claude-opus-4-5-20251101').contextWindow, 200_000);
    assert.equal(modelFacts('claude-sonnet-5-5').contextWindow, 1_000_000);
  });

  it('refuses facts for an unknown model and for one retired before the table was checked', () => {
    assert.throws(() => modelFacts('claude-sonnet-9'), UnknownModelError);
    assert.throws(() => modelFacts('claude-opus-4-1'), (error: unknown) => {
      assert.ok(error instanceof ModelRetiredError);
      assert.equal(error.replacement, 'claude-opus-4-8');
      return true;
    });
  });

  it('keeps the lower published minimum cacheable length for the 5.x models', () => {
    assert.equal(minCacheableTokens('claude-opus-5-5'), 512);
    assert.equal(minCacheableTokens('claude-sonnet-5-5'), 512);
    assert.equal(minCacheableTokens('claude-fable-5-1'), 512);
    assert.equal(minCacheableTokens('claude-sonnet-5'), 1024);
    assert.equal(minCacheableTokens('claude-opus-4-7'), 2048);
    assert.equal(minCacheableTokens('claude-opus-4-6'), 4096);
    assert.equal(minCacheableTokens('claude-haiku-4-5-20251001'), 4096);
  });

  it('prices models from the table, with the long-prompt tier where published, and unknown ones as unknown', () => {
    assert.equal(resolvePrices('claude-opus-4-8')?.input, 5);
    assert.equal(resolvePrices('claude-fable-5')?.cacheRead, 1);
    assert.equal(resolvePrices('claude-mythos-5-2'), resolvePrices('claude-fable-5-2'));
    assert.equal(resolvePrices('claude-haiku-5-5')?.longPrompt?.aboveTokens, 100_000);
    assert.equal(resolvePrices('claude-sonnet-5-5')?.longPrompt, undefined);
    assert.equal(resolvePrices('claude-mythos-preview'), undefined, 'no public price: unknown, never zero');
    assert.equal(resolvePrices('claude-sonnet-9'), undefined);
  });

  it('names a replacement the table knows for every deprecated or retired model', () => {
    for (const record of MODEL_TABLE) {
      const { replacement, retiresOn, deprecatedOn } = record.lifecycle;
      if (retiresOn === undefined && deprecatedOn === undefined) continue;
      assert.ok(replacement && findModel(replacement), `${record.id}: replacement ${replacement} is not in the table`);
      if (deprecatedOn && retiresOn) assert.ok(deprecatedOn < retiresOn, record.id);
    }
  });

  it('has a current, undeprecated default model and current alias targets', () => {
    assert.equal(DEFAULT_MODEL, 'claude-sonnet-5-5');
    assert.deepEqual(lifecycleOf(DEFAULT_MODEL, TODAY), { status: 'ok' });
    for (const id of Object.values(FAMILY_ALIASES)) {
      assert.ok(id && findModel(id)?.facts, `${id} is not a model we can call`);
      assert.deepEqual(lifecycleOf(id, TODAY), { status: 'ok' }, id);
    }
  });
});

describe('resolveModel', () => {
  const at = { today: TODAY };

  it('keeps an exact id, a dated snapshot pinned, ignoring case and the [1m] suffix', () => {
    assert.deepEqual(resolveModel('claude-opus-5-5', at), { id: 'claude-opus-5-5', requestedAs: 'claude-opus-5-5', via: 'id' });
    assert.equal(resolveModel('claude-haiku-4-5-20251001', at).id, 'claude-haiku-4-5-20251001');
    assert.equal(resolveModel('  Claude-Sonnet-5-5 ', at).id, 'claude-sonnet-5-5');
    assert.equal(resolveModel('claude-opus-4-8[1m]', at).id, 'claude-opus-4-8');
  });

  it('maps the Claude Code aliases to the current model of each family', () => {
    assert.deepEqual(resolveModel('opus', at), { id: 'claude-opus-5-5', requestedAs: 'opus', via: 'alias' });
    assert.equal(resolveModel('sonnet', at).id, 'claude-sonnet-5-5');
    assert.equal(resolveModel('Haiku', at).id, 'claude-haiku-5-5');
    assert.equal(resolveModel('fable', at).id, 'claude-fable-5-2');
    assert.equal(resolveModel('opus[1m]', at).id, 'claude-opus-5-5');
  });

  it('reads inherit and default as the model the caller would use otherwise', () => {
    assert.deepEqual(resolveModel('inherit', { ...at, inherited: 'claude-opus-4-8' }), {
      id: 'claude-opus-4-8', requestedAs: 'inherit', via: 'inherit',
    });
    assert.equal(resolveModel('inherit', { ...at, inherited: 'haiku' }).id, 'claude-haiku-5-5');
    assert.equal(resolveModel('default', at).id, DEFAULT_MODEL);
    assert.equal(resolveModel('inherit', { ...at, inherited: 'inherit' }).id, DEFAULT_MODEL);
  });

  it('maps Copilot and VS Code display names to the model they name', () => {
    assert.deepEqual(resolveModel('Claude Sonnet 5.5 (copilot)', at), {
      id: 'claude-sonnet-5-5', requestedAs: 'Claude Sonnet 5.5 (copilot)', via: 'display-name',
    });
    assert.equal(resolveModel('Claude Haiku 4.5 (copilot)', at).id, 'claude-haiku-4-5');
    assert.equal(resolveModel('Claude Opus 4.8', at).id, 'claude-opus-4-8');
    assert.equal(resolveModel('claude-sonnet-4.6', at).id, 'claude-sonnet-4-6');
    assert.equal(resolveModel('Claude Fable 5.1', at).id, 'claude-fable-5-1');
    assert.equal(resolveModel('Claude Sonnet', at).id, 'claude-sonnet-5-5', 'a family without a version is its current model');
  });

  it('reads the name shapes Copilot uses', () => {
    assert.deepEqual(parseModelName('Claude Sonnet 4.5 (copilot)'), { family: 'sonnet', version: '4.5' });
    assert.deepEqual(parseModelName('claude-sonnet-4'), { family: 'sonnet', version: '4' });
    assert.deepEqual(parseModelName('claude-opus-41'), { family: 'opus', version: '4.1' });
    assert.deepEqual(parseModelName('claude-3.7-sonnet-thought'), { family: 'sonnet', version: '3.7' });
    assert.deepEqual(parseModelName('Claude 3.5 Sonnet'), { family: 'sonnet', version: '3.5' });
    assert.deepEqual(parseModelName('anthropic/claude-opus-4.0'), { family: 'opus', version: '4' });
    assert.equal(parseModelName('GPT-5 (copilot)'), undefined);
    assert.equal(parseModelName('claude opus sonnet'), undefined);
    assert.equal(parseModelName('claude-sonnet-latest-ish'), undefined);
  });

  it('refuses a retired model named by display name, naming the replacement', () => {
    for (const [name, id, replacement] of [
      ['Claude Sonnet 4.5 (copilot)', 'claude-sonnet-4-5', 'claude-sonnet-5-5'],
      ['Claude Opus 4.1', 'claude-opus-4-1', 'claude-opus-4-8'],
      ['claude-sonnet-4', 'claude-sonnet-4-0', 'claude-sonnet-4-6'],
      ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet-20241022', 'claude-sonnet-4-6'],
    ] as const) {
      assert.throws(
        () => resolveModel(name, at),
        (error: unknown) => {
          assert.ok(error instanceof ModelRetiredError, name);
          assert.equal(error.code, 'E_MODEL_RETIRED');
          assert.equal(error.id, id);
          assert.equal(error.replacement, replacement);
          assert.ok(error.message.includes(name) && error.message.includes(replacement), error.message);
          return true;
        },
      );
    }
  });

  it('raises a typed error naming the model for anything else', () => {
    for (const name of ['gpt-4o', 'GPT-5 (copilot)', '', 'opusplan', 'claude-sonnet-4-7']) {
      assert.throws(
        () => resolveModel(name, at),
        (error: unknown) => {
          assert.ok(error instanceof UnknownModelError, name);
          assert.equal(error.code, 'E_MODEL_UNKNOWN');
          assert.equal(error.model, name);
          assert.ok(error.message.includes(`"${name}"`), error.message);
          return true;
        },
      );
    }
    const guess = (() => {
      try {
        resolveModel('Claude Sonnet 9.9', at);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    assert.ok(guess instanceof UnknownModelError);
    assert.deepEqual(guess.suggestions, ['claude-sonnet-5-5']);
  });
});

describe('model lifecycle', () => {
  it('is ok before the deprecation, warns until the retirement, refuses from that day on', () => {
    assert.deepEqual(lifecycleOf('claude-opus-4-5', '2026-11-22'), { status: 'ok' });

    const deprecated = lifecycleOf('claude-opus-4-5-20251101', '2026-11-23');
    assert.equal(deprecated.status, 'deprecated');
    assert.ok(deprecated.status === 'deprecated');
    assert.equal(deprecated.retiresOn, '2027-01-22');
    assert.equal(deprecated.replacement, 'claude-opus-5-5');
    assert.match(deprecated.warning, /claude-opus-5-5/);
    assert.match(deprecated.warning, /2027-01-22/);

    const retired = lifecycleOf('claude-opus-4-5', '2027-01-22');
    assert.equal(retired.status, 'retired');
    assert.ok(retired.status === 'retired' && retired.error instanceof ModelRetiredError);
    assert.equal(retired.error.retiredOn, '2027-01-22');
  });

  it('counts a model with only a retirement date as deprecated until then', () => {
    assert.equal(lifecycleOf('claude-sonnet-4-5', '2026-11-29').status, 'deprecated');
    assert.equal(lifecycleOf('claude-sonnet-4-5', '2026-11-30').status, 'retired');
  });

  it('takes the day as a Date (its UTC day) or as YYYY-MM-DD, and rejects anything else', () => {
    assert.equal(lifecycleOf('claude-sonnet-4-5', new Date('2026-11-29T23:59:59Z')).status, 'deprecated');
    assert.equal(lifecycleOf('claude-sonnet-4-5', new Date('2026-11-30T00:00:00Z')).status, 'retired');
    assert.throws(() => lifecycleOf('claude-sonnet-4-5', '30/11/2026'), RangeError);
    assert.throws(() => lifecycleOf('claude-sonnet-4-5', new Date('nonsense')), RangeError);
  });

  it('puts the warning on a resolved deprecated model, with the name as written', () => {
    const resolved = resolveModel('Claude Opus 4.5 (copilot)', { today: '2026-12-06' });
    assert.equal(resolved.id, 'claude-opus-4-5');
    assert.equal(resolved.deprecation?.replacement, 'claude-opus-5-5');
    assert.match(resolved.deprecation?.warning ?? '', /"Claude Opus 4\.5 \(copilot\)" \(claude-opus-4-5\) is deprecated/);
    assert.equal(resolveModel('Claude Sonnet 4.5 (copilot)', { today: '2026-11-01' }).deprecation?.replacement, 'claude-sonnet-5-5');
    assert.equal(resolveModel('claude-opus-5-5', { today: '2026-12-06' }).deprecation, undefined);
  });

  it('knows only the models in the table', () => {
    assert.throws(() => lifecycleOf('claude-sonnet-9', TODAY), UnknownModelError);
  });
});
