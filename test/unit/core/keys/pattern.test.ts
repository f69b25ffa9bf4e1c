import assert from 'node:assert/strict';
import { assertSafePattern, globToRegExp } from '../../../../src/core/keys/pattern';

describe('key patterns', () => {
  it('translates * and ? into a regular expression anchored at both ends', () => {
    const re = globToRegExp('review-file:*:a?c');
    assert.ok(re.test('review-file:x:abc'));
    assert.ok(!re.test('xreview-file:x:abc'));
    assert.ok(!re.test('review-file:x:abcd'));
  });

  it('refuses characters a store could read as syntax', () => {
    for (const bad of ['a[b]', 'a\\b', "a'b", 'a b', '', 'ä', 'a\nb', 'x'.repeat(513)]) {
      assert.throws(() => assertSafePattern(bad), { code: 'E_INVALID_KEY' });
    }
  });
});
