import assert from 'node:assert/strict';
import {
  KEY_FORMAT_VERSION,
  MAX_SLUG_LENGTH,
  assertSafeKey,
  contextKey,
  globToRegExp,
  keyPatternFor,
  moduleKey,
  promptKey,
  resultInputHash,
  resultKey,
  sha256Hex,
  slugForKey,
  stableStringify,
  type ResultInput,
} from '../../../../src/core/keys';

const SLUG_SEGMENTS = /^[a-z0-9._-]+(:[a-z0-9._-]+)*$/;
const KEY_SHAPE = new RegExp(`^[a-z0-9._:-]+:${KEY_FORMAT_VERSION}:[0-9a-f]{64}$`);

const hostileTexts = [
  'frontend:lint',
  'Review File',
  'a*b?c[d]{e}',
  'tab\there\nnewline\u0000nul\u007fdel',
  'Résumé – naïve café',
  '日本語のコマンド',
  '🧪🔥',
  '::::',
  '',
  ' ',
  '../../etc/passwd',
  "quote'double\"back\\slash",
  '\uD800 lone surrogate',
  'İstanbul ǅ ﬁ',
  '-.-leading.and.trailing.-',
  'x'.repeat(10 * 1024),
  'ü'.repeat(10 * 1024),
  ':a:'.repeat(4000),
];

const baseInput: ResultInput = {
  model: 'claude-sonnet-5-5',
  system: 'You review code.',
  prompt: 'Review this file.',
  contextHash: 'c'.repeat(64),
  maxTokens: 4096,
  workflowVersion: 1,
};

function allKeysFor(text: string): string[] {
  return [
    promptKey(text, { text }),
    moduleKey(text, text, text),
    contextKey(text || '/', text),
    resultKey(text, text),
  ];
}

describe('keys', () => {
  describe('sha256Hex', () => {
    it('is the lowercase hex SHA-256 of its framed parts, 64 characters', () => {
      assert.match(sha256Hex('a'), /^[0-9a-f]{64}$/);
      assert.equal(sha256Hex('a', 'b'), sha256Hex('a', 'b'));
    });

    it('frames parts so moving a boundary changes the hash', () => {
      assert.notEqual(sha256Hex('ab', 'c'), sha256Hex('a', 'bc'));
      assert.notEqual(sha256Hex('abc'), sha256Hex('abc', ''));
      assert.notEqual(sha256Hex(), sha256Hex(''));
      assert.notEqual(sha256Hex('a\u0000', 'b'), sha256Hex('a', '\u0000b'));
    });

    it('hashes bytes and text distinctly and bytes by content', () => {
      assert.notEqual(sha256Hex('abc'), sha256Hex(Buffer.from('abc')));
      assert.equal(sha256Hex(new Uint8Array([1, 2])), sha256Hex(Buffer.from([1, 2])));
    });

    it('keeps strings apart that differ only in lone surrogates', () => {
      assert.notEqual(sha256Hex('\uD800'), sha256Hex('\uDC00'));
      assert.notEqual(sha256Hex('\uD800'), sha256Hex('\uFFFD'));
    });
  });

  describe('stableStringify', () => {
    it('sorts object keys at every depth', () => {
      assert.equal(stableStringify({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: 2 } }), '{"a":{"c":2,"d":[1,{"y":1,"z":0}]},"b":1}');
      assert.equal(stableStringify({ x: 1, y: 2 }), stableStringify({ y: 2, x: 1 }));
    });

    it('follows JSON for scalars, undefined members, dates and non-finite numbers', () => {
      assert.equal(stableStringify('a"b'), '"a\\"b"');
      assert.equal(stableStringify({ a: undefined, b: () => 1, c: null }), '{"c":null}');
      assert.equal(stableStringify([undefined, NaN, Infinity, true, false]), '[null,null,null,true,false]');
      assert.equal(stableStringify(new Date(0)), '"1970-01-01T00:00:00.000Z"');
      assert.equal(stableStringify(undefined), 'null');
      assert.equal(stableStringify(Symbol('s')), 'null');
    });

    it('allows the same object twice when it is not its own ancestor', () => {
      const shared = { v: 1 };
      assert.equal(stableStringify([shared, shared]), '[{"v":1},{"v":1}]');
    });

    it('refuses values JSON would flatten or cannot express', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      assert.throws(() => stableStringify(cyclic), { code: 'E_INVALID_KEY', message: /contains itself/ });
      assert.throws(() => stableStringify(new Map([[1, 2]])), { code: 'E_INVALID_KEY', message: /Map/ });
      assert.throws(() => stableStringify({ s: new Set([1]) }), { code: 'E_INVALID_KEY', message: /Set/ });
      assert.throws(() => stableStringify(1n), { code: 'E_INVALID_KEY', message: /bigint/ });
    });
  });

  describe('slugForKey', () => {
    it('keeps a namespaced workflow name readable', () => {
      assert.equal(slugForKey('frontend:lint'), 'frontend:lint');
      assert.equal(slugForKey('Review File'), 'review-file');
      assert.equal(slugForKey('Résumé – naïve café'), 'resume-naive-cafe');
      assert.equal(slugForKey('a*b?c[d]'), 'a-b-c-d');
    });

    it('maps hostile text into lowercase safe segments of bounded length', () => {
      for (const text of hostileTexts) {
        const slug = slugForKey(text);
        assert.match(slug, SLUG_SEGMENTS, JSON.stringify(text.slice(0, 40)));
        assert.ok(slug.length <= MAX_SLUG_LENGTH, `${slug.length} characters`);
      }
    });

    it('names text with nothing left after folding', () => {
      assert.equal(slugForKey('🧪🔥'), 'unnamed');
      assert.equal(slugForKey('::::'), 'unnamed');
      assert.equal(slugForKey(''), 'unnamed');
    });

    it('honours a shorter limit without leaving a dangling separator', () => {
      assert.equal(slugForKey('abc:def', 4), 'abc');
      assert.equal(slugForKey('abcdef', 0), 'a');
    });
  });

  describe('layer keys', () => {
    it('have the shape <slug>:<version>:<hash> and pass assertSafeKey for hostile names', () => {
      for (const text of hostileTexts) {
        for (const key of allKeysFor(text)) {
          assert.equal(assertSafeKey(key), key);
          assert.match(key, KEY_SHAPE);
        }
      }
    });

    it('start with the command slug so a pattern can select one command', () => {
      const key = resultKey('review-file', 'abc');
      assert.ok(key.startsWith(`review-file:${KEY_FORMAT_VERSION}:`));
      assert.ok(globToRegExp('review-file:*').test(key));
      assert.ok(globToRegExp(keyPatternFor('Review File')).test(key));
      assert.ok(globToRegExp('frontend:*').test(promptKey('frontend:lint', {})));
      assert.ok(!globToRegExp(keyPatternFor('review')).test(key));
    });

    it('are stable across calls and property order', () => {
      assert.equal(promptKey('review-file', { a: 1, b: [2] }), promptKey('review-file', { b: [2], a: 1 }));
      assert.equal(moduleKey('summary', 3, 'abc'), moduleKey('summary', '3', 'abc'));
      assert.equal(contextKey('/work/repo', 'x'), contextKey('/work/repo/', 'x'));
      assert.equal(contextKey('/work/repo', 'x'), contextKey('/work/other/../repo', 'x'));
      assert.equal(resultKey('c', 'h'), resultKey('c', 'h'));
    });

    it('do not collide when commands differ only in characters the slug folds', () => {
      const names = ['Review File', 'review-file', 'review file', 'review_file', 'REVIEW*FILE', 'réview-file'];
      for (const build of [
        (n: string) => promptKey(n, {}),
        (n: string) => moduleKey(n, 1, 'h'),
        (n: string) => contextKey('/w', n),
        (n: string) => resultKey(n, 'h'),
      ]) {
        const keys = names.map(build);
        assert.equal(new Set(keys).size, names.length, keys.join('\n'));
      }
      assert.equal(slugForKey('review file'), slugForKey('review-file'));
    });

    it('differ between layers for the same inputs', () => {
      const keys = [promptKey('c', 'h'), moduleKey('c', 'h', ''), contextKey('h', 'c'), resultKey('c', 'h')];
      assert.equal(new Set(keys).size, 4);
    });

    it('change with every input', () => {
      assert.notEqual(promptKey('c', { a: 1 }), promptKey('c', { a: 2 }));
      assert.notEqual(moduleKey('m', 1, 'h'), moduleKey('m', 2, 'h'));
      assert.notEqual(moduleKey('m', 1, 'h'), moduleKey('m', 1, 'i'));
      assert.notEqual(contextKey('/a', 'c'), contextKey('/b', 'c'));
      assert.notEqual(resultKey('c', 'h1'), resultKey('c', 'h2'));
    });

    it('never contain the workspace path', () => {
      const key = contextKey('/home/alice/secret-project', 'review-file');
      assert.ok(!key.includes('alice') && !key.includes('secret'));
    });
  });

  describe('resultInputHash', () => {
    it('is a 64-character hex hash, stable for equal input', () => {
      assert.match(resultInputHash(baseInput), /^[0-9a-f]{64}$/);
      assert.equal(resultInputHash({ ...baseInput }), resultInputHash(baseInput));
    });

    it('changes when any single field changes', () => {
      const changes: { [K in keyof ResultInput]-?: ResultInput[K] } = {
        model: 'claude-opus-5-5',
        system: 'You review code harshly.',
        prompt: 'Review this other file.',
        contextHash: 'd'.repeat(64),
        maxTokens: 4097,
        workflowVersion: 2,
      };
      const base = resultInputHash(baseInput);
      for (const field of Object.keys(changes) as (keyof ResultInput)[]) {
        const changed = resultInputHash({ ...baseInput, [field]: changes[field] });
        assert.notEqual(changed, base, `changing ${field} kept the hash`);
      }
    });

    it('treats a missing system prompt as an empty one and a numeric version as its string', () => {
      assert.equal(resultInputHash({ ...baseInput, system: undefined }), resultInputHash({ ...baseInput, system: '' }));
      assert.equal(resultInputHash({ ...baseInput, workflowVersion: '1' }), resultInputHash(baseInput));
    });

    it('keeps fields apart even when their text could be shifted between them', () => {
      const a = resultInputHash({ ...baseInput, system: 'ab', prompt: 'c' });
      const b = resultInputHash({ ...baseInput, system: 'a', prompt: 'bc' });
      assert.notEqual(a, b);
    });
  });
});
