import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/core/clock';
import {
  escapeMarkdown,
  formatBytes,
  formatDollars,
  formatDuration,
  formatMicros,
  formatRate,
} from '../../../src/extension/format';
import { Throttle } from '../../../src/extension/throttle';

describe('extension formats', () => {
  it('formatRate rounds to a whole percent and shows a dash before any lookup', () => {
    assert.equal(formatRate(0.873, 10), '87%');
    assert.equal(formatRate(0, 0), '–');
    assert.equal(formatRate(1, 3), '100%');
  });

  it('formatDollars keeps cents, more digits under a cent, and says unknown for unpriced models', () => {
    assert.equal(formatDollars(12.345), '$12.35');
    assert.equal(formatDollars(1234.5), '$1,234.50');
    assert.equal(formatDollars(0.00123), '$0.0012');
    assert.equal(formatDollars(0), '$0.00');
    assert.equal(formatDollars(-0.5), '-$0.50');
    assert.equal(formatDollars('unknown'), 'unknown');
  });

  it('formatBytes uses binary units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(200 * 1024 * 1024), '200 MB');
  });

  it('formatDuration picks the largest fitting unit', () => {
    assert.equal(formatDuration(42_000), '42 s');
    assert.equal(formatDuration(5 * 60_000), '5 min');
    assert.equal(formatDuration(3 * 3_600_000), '3 h');
    assert.equal(formatDuration(3 * 86_400_000), '3 d');
    assert.equal(formatDuration(-5), '0 s');
  });

  it('formatMicros switches to milliseconds from 1000 µs', () => {
    assert.equal(formatMicros(850), '850 µs');
    assert.equal(formatMicros(12_345), '12.3 ms');
    assert.equal(formatMicros(0), '0 µs');
  });

  it('escapeMarkdown keeps error text literal', () => {
    assert.equal(escapeMarkdown('a *b* [c](d)'), 'a \\*b\\* \\[c\\]\\(d\\)');
  });
});

describe('Throttle', () => {
  it('coalesces signals within an interval into one trailing call', () => {
    const timers = new ManualClock();
    let calls = 0;
    const throttle = new Throttle(500, () => (calls += 1), timers);
    throttle.schedule();
    throttle.schedule();
    timers.advance(499);
    assert.equal(calls, 0);
    timers.advance(1);
    assert.equal(calls, 1);
    throttle.schedule();
    timers.advance(500);
    assert.equal(calls, 2);
  });

  it('flush runs a scheduled call at once, and only a scheduled one', () => {
    const timers = new ManualClock();
    let calls = 0;
    const throttle = new Throttle(500, () => (calls += 1), timers);
    throttle.flush();
    assert.equal(calls, 0);
    throttle.schedule();
    throttle.flush();
    assert.equal(calls, 1);
    assert.equal(timers.pendingTimers, 0);
  });

  it('never calls after dispose', () => {
    const timers = new ManualClock();
    let calls = 0;
    const throttle = new Throttle(500, () => (calls += 1), timers);
    throttle.schedule();
    throttle.dispose();
    timers.advance(1_000);
    throttle.schedule();
    timers.advance(1_000);
    assert.equal(calls, 0);
  });
});
