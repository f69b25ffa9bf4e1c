import assert from 'node:assert/strict';
import { decodeValue, encodeValue } from '../../../../../src/core/codec';
import {
  LAYER_VALUE_SCHEMAS,
  checkBoundPrompt,
  checkCachedAnswer,
  checkContextLayerValue,
  checkContextSnapshot,
  checkRunManifest,
  isCachedAnswer,
} from '../../../../../src/core/tiered/layerValueSchemas';

/** What every layer can find where its value should be: values that decode but are nothing a reader can use. */
const FOREIGN_VALUES: ReadonlyArray<[string, unknown]> = [
  ['42', 42],
  ['{}', {}],
  ['null', null],
  ['a string', 'hello'],
  ['an array', [1, 2, 3]],
  ['true', true],
  ['bytes', new Uint8Array([1, 2, 3])],
];

function answer(): Record<string, unknown> {
  return {
    text: 'The function returns early when the list is empty.',
    model: 'claude-sonnet-5-5',
    stopReason: 'end_turn',
    usage: { inputTokens: 120, outputTokens: 40, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 300 },
    costUsd: 0.0012,
    createdAt: 1_765_000_000_000,
  };
}

function prompt(): Record<string, unknown> {
  return {
    workflow: 'review-file',
    version: 'v3',
    segments: [{ text: 'Review this file:\n' }, { context: 'file' }, { module: 'summary' }],
  };
}

function snapshot(): Record<string, unknown> {
  return {
    workspace: '/home/dev/project',
    parts: [
      { kind: 'file', id: 'src/a.ts', hash: 'ab'.repeat(32), size: 12, content: 'const a = 1;' },
      { kind: 'selection', id: 'selection', hash: 'cd'.repeat(32), size: 1, content: 'a' },
    ],
    hash: 'ef'.repeat(32),
  };
}

function manifest(): Record<string, unknown> {
  return {
    model: 'claude-sonnet-5-5',
    maxTokens: 4096,
    workflowVersion: 'v3',
    systemHash: '01'.repeat(32),
    promptHash: '23'.repeat(32),
    paramsHash: 'c'.repeat(64),
    parts: { 'src/a.ts': 'ab'.repeat(32) },
  };
}

/** A copy of `value` with one field (a dotted path) replaced, or removed when `replacement` is REMOVE. */
const REMOVE = Symbol('remove');
function withField(value: Record<string, unknown>, path: string, replacement: unknown): Record<string, unknown> {
  const copy = structuredClone(value);
  const names = path.split('.');
  let target = copy;
  for (const name of names.slice(0, -1)) target = target[name] as Record<string, unknown>;
  const last = names[names.length - 1] as string;
  if (replacement === REMOVE) delete target[last];
  else target[last] = replacement;
  return copy;
}

describe('layer value schemas', () => {
  describe('CachedAnswer (module and result layers)', () => {
    it('accepts a whole answer, an unknown cost, a null stop reason and extra fields', () => {
      assert.equal(checkCachedAnswer(answer()), undefined);
      assert.equal(checkCachedAnswer(withField(answer(), 'costUsd', 'unknown')), undefined);
      assert.equal(checkCachedAnswer(withField(answer(), 'stopReason', null)), undefined);
      assert.equal(checkCachedAnswer({ ...answer(), addedLater: { anything: [1, 2] } }), undefined);
      assert.equal(checkCachedAnswer(withField(answer(), 'usage.serverToolUses', 3)), undefined);
      assert.equal(checkCachedAnswer({ ...answer(), stopDetails: { category: 'cyber', explanation: null, type: 'refusal' } }), undefined);
      assert.equal(checkCachedAnswer({ ...answer(), stopDetails: null }), undefined);
    });

    it('accepts an answer after a round trip through the codec', () => {
      assert.equal(checkCachedAnswer(decodeValue(encodeValue(answer()))), undefined);
    });

    for (const [label, value] of FOREIGN_VALUES) {
      it(`refuses ${label}`, () => {
        assert.match(checkCachedAnswer(value) ?? 'accepted', /^answer is .*, not an object$|^answer\.text is missing$/);
        assert.equal(isCachedAnswer(value), false);
      });
    }

    const wrongFields: ReadonlyArray<[string, unknown, RegExp]> = [
      ['text', 42, /answer\.text is the number 42, not a string/],
      ['text', REMOVE, /answer\.text is missing/],
      ['model', null, /answer\.model is null/],
      ['stopReason', 7, /answer\.stopReason/],
      ['stopReason', REMOVE, /answer\.stopReason is missing/],
      ['usage', REMOVE, /answer\.usage is missing/],
      ['usage', 'lots', /answer\.usage is a string, not an object/],
      ['usage.outputTokens', -1, /answer\.usage\.outputTokens is the number -1, not a non-negative number/],
      ['usage.cacheReadTokens', '300', /answer\.usage\.cacheReadTokens/],
      ['usage.inputTokens', Number.NaN, /answer\.usage\.inputTokens is NaN/],
      ['usage.cacheWrite1hTokens', REMOVE, /answer\.usage\.cacheWrite1hTokens is missing/],
      ['costUsd', 'free', /answer\.costUsd/],
      ['costUsd', -0.5, /answer\.costUsd/],
      ['costUsd', Number.POSITIVE_INFINITY, /answer\.costUsd/],
      ['createdAt', '2026-12-06', /answer\.createdAt is a string, not a finite number/],
      ['usage', new Date(0), /answer\.usage is an instance of Date, not an object/],
      ['stopDetails', 'refused', /answer\.stopDetails/],
      ['stopDetails', { category: 5 }, /answer\.stopDetails\.category/],
    ];
    for (const [path, replacement, reason] of wrongFields) {
      it(`refuses an answer whose ${path} is ${replacement === REMOVE ? 'missing' : JSON.stringify(replacement) ?? String(replacement)}`, () => {
        assert.match(checkCachedAnswer(withField(answer(), path, replacement)) ?? 'accepted', reason);
      });
    }

    it('does not take an inherited field for the answer’s own', () => {
      const inherited = Object.assign(Object.create(answer()) as object, {});
      assert.notEqual(checkCachedAnswer(inherited), undefined);
    });
  });

  describe('BoundPrompt (prompt layer)', () => {
    it('accepts a bound prompt with text, context and module segments, and extra fields', () => {
      assert.equal(checkBoundPrompt(prompt()), undefined);
      assert.equal(checkBoundPrompt({ ...prompt(), system: 'extra' }), undefined);
      assert.equal(checkBoundPrompt(withField(prompt(), 'segments', [])), undefined);
    });

    for (const [label, value] of FOREIGN_VALUES) {
      it(`refuses ${label}`, () => assert.notEqual(checkBoundPrompt(value), undefined));
    }

    it('refuses missing or mistyped fields and unusable segments', () => {
      assert.match(checkBoundPrompt(withField(prompt(), 'segments', REMOVE)) ?? '', /prompt\.segments is missing/);
      assert.match(checkBoundPrompt(withField(prompt(), 'segments', 'text')) ?? '', /not an array/);
      assert.match(checkBoundPrompt(withField(prompt(), 'workflow', 1)) ?? '', /prompt\.workflow/);
      assert.match(checkBoundPrompt(withField(prompt(), 'segments', [{ text: 42 }])) ?? '', /segments\[0\]\.text/);
      assert.match(checkBoundPrompt(withField(prompt(), 'segments', [{ context: 'homeDirectory' }])) ?? '', /not a context variable/);
      assert.match(checkBoundPrompt(withField(prompt(), 'segments', [{ module: null }])) ?? '', /segments\[0\]\.module/);
      assert.match(checkBoundPrompt(withField(prompt(), 'segments', [{ other: 'x' }])) ?? '', /no text, context or module/);
      assert.match(checkBoundPrompt(withField(prompt(), 'segments', [null])) ?? '', /segments\[0\] is null/);
    });
  });

  describe('ContextSnapshot and run manifest (context layer)', () => {
    it('accepts a snapshot, one with a legacy mtimeMs, and extra fields', () => {
      assert.equal(checkContextSnapshot(snapshot()), undefined);
      assert.equal(checkContextSnapshot(withField(snapshot(), 'parts', [{ ...(snapshot().parts as object[])[0], mtimeMs: 1.5e12 }])), undefined);
      assert.equal(checkContextSnapshot({ ...snapshot(), readAt: 5 }), undefined);
    });

    it('refuses a snapshot with a part of the wrong shape', () => {
      const part = (snapshot().parts as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
      assert.match(checkContextSnapshot(withField(snapshot(), 'parts', [{ ...part, kind: 'network' }])) ?? '', /parts\[0\]\.kind/);
      assert.match(checkContextSnapshot(withField(snapshot(), 'parts', [{ ...part, content: 42 }])) ?? '', /parts\[0\]\.content/);
      assert.match(checkContextSnapshot(withField(snapshot(), 'parts', [{ ...part, size: -3 }])) ?? '', /parts\[0\]\.size/);
      assert.match(checkContextSnapshot(withField(snapshot(), 'parts', [{ ...part, mtimeMs: 'yesterday' }])) ?? '', /parts\[0\]\.mtimeMs/);
      assert.match(checkContextSnapshot(withField(snapshot(), 'parts', { 'src/a.ts': part })) ?? '', /snapshot\.parts is an object, not an array/);
      assert.match(checkContextSnapshot(withField(snapshot(), 'hash', REMOVE)) ?? '', /snapshot\.hash is missing/);
    });

    it('accepts a manifest, one written with fields since dropped, and refuses mistyped ones', () => {
      assert.equal(checkRunManifest(manifest()), undefined);
      assert.equal(checkRunManifest({ ...manifest(), temperature: 0 }), undefined);
      assert.match(checkRunManifest(withField(manifest(), 'paramsHash', 42)) ?? '', /manifest\.paramsHash/);
      assert.match(checkRunManifest(withField(manifest(), 'paramsHash', REMOVE)) ?? '', /manifest\.paramsHash is missing/);
      assert.match(checkRunManifest(withField(manifest(), 'parts', ['ab'])) ?? '', /manifest\.parts is an array/);
      assert.match(checkRunManifest(withField(manifest(), 'maxTokens', '4096')) ?? '', /manifest\.maxTokens/);
    });

    it('takes either kind in the context layer, and nothing else', () => {
      assert.equal(checkContextLayerValue(snapshot()), undefined);
      assert.equal(checkContextLayerValue(manifest()), undefined);
      for (const [, value] of FOREIGN_VALUES) {
        assert.match(checkContextLayerValue(value) ?? '', /neither a context snapshot .* nor a run manifest/);
      }
      // A manifest is not a snapshot: a reader that wants one can narrow with checkContextSnapshot.
      assert.notEqual(checkContextSnapshot(manifest()), undefined);
      assert.notEqual(checkRunManifest(snapshot()), undefined);
    });
  });

  it('maps every layer to its check', () => {
    assert.equal(LAYER_VALUE_SCHEMAS.prompt(prompt()), undefined);
    assert.equal(LAYER_VALUE_SCHEMAS.context(snapshot()), undefined);
    assert.equal(LAYER_VALUE_SCHEMAS.module(answer()), undefined);
    assert.equal(LAYER_VALUE_SCHEMAS.result(answer()), undefined);
    assert.notEqual(LAYER_VALUE_SCHEMAS.result(prompt()), undefined);
    assert.notEqual(LAYER_VALUE_SCHEMAS.prompt(answer()), undefined);
  });

  it('describes a wrong value without echoing its text', () => {
    const reason = checkCachedAnswer(withField(answer(), 'model', { secret: 'sk-ant-api03-do-not-log-me' })) ?? '';
    assert.match(reason, /answer\.model is an object/);
    assert.doesNotMatch(reason, /do-not-log-me/);
  });
});
