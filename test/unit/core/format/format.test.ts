import assert from 'node:assert/strict';
import { formatDuration, formatMicros } from '../../../../src/core/format/duration';
import { formatPercent } from '../../../../src/core/format/percent';
import { formatBytes } from '../../../../src/core/format/size';
import { formatBytes as cliBytes, formatHitRate } from '../../../../src/cli/format';
import { formatBytes as editorBytes, formatRate } from '../../../../src/extension/format';

describe('the one set of display formats (core/format)', () => {
  it('writes a size, a duration and a percentage the same way for the CLI and the editor', () => {
    for (const bytes of [0, 512, 1536, 150 * 1024, 3 * 1024 ** 3]) {
      assert.equal(cliBytes(bytes), formatBytes(bytes));
      assert.equal(editorBytes(bytes), formatBytes(bytes));
    }
    assert.deepEqual([0, 512, 1536, 150 * 1024, 3 * 1024 ** 3].map(formatBytes), ['0 B', '512 B', '1.5 KB', '150 KB', '3 GB']);
    assert.deepEqual([42_000, 300_000, 3 * 3_600_000, 3 * 86_400_000].map(formatDuration), ['42 s', '5 min', '3 h', '3 d']);
    assert.deepEqual([850, 12_345, 250_000].map(formatMicros), ['850 µs', '12.3 ms', '250 ms']);
    assert.equal(formatPercent(0.873), '87%');
    assert.equal(formatPercent(0.873, 1), '87.3%');
    assert.equal(formatHitRate(0.873), '87.3%');
    assert.equal(formatRate(0.873, 10), '87%');
    assert.equal(formatRate(0, 0), '–');
  });
});
