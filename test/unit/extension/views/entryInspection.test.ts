import assert from 'node:assert/strict';
import type { EntryInfo } from '../../../../src/core/stores/store';
import { entryInspectionText, PREVIEW_CHARS } from '../../../../src/extension/views/entryInspection';

const NOW = 1_700_000_000_000;
const KEY = `review-file:k1:${'ab'.repeat(32)}`;

function entry(overrides: Partial<EntryInfo> = {}): EntryInfo {
  return { key: KEY, size: 2048, createdAt: NOW - 3 * 60_000, expiresAt: NOW + 57 * 60_000, hits: 4, pinned: true, ...overrides };
}

describe('entryInspectionText', () => {
  it('shows layer, tier, size, age, time to expiry, hits and pinning, then the value', () => {
    const text = entryInspectionText({ layer: 'result', tier: 'memory', entry: entry(), value: { text: 'It adds.' }, found: true }, NOW);
    assert.match(text, new RegExp(`^# Cache entry \`${KEY}\``));
    assert.match(text, /\| Layer \| Result \|/);
    assert.match(text, /\| Tier \| Memory \|/);
    assert.match(text, /\| Size \| 2 KB \(2048 bytes\) \|/);
    assert.match(text, /\| Created \| .* \(3 min ago\) \|/);
    assert.match(text, /\| Expires \| .* \(in 57 min\) \|/);
    assert.match(text, /\| Hits \| 4 \|/);
    assert.match(text, /\| Pinned \| yes/);
    assert.match(text, /## Value preview\n\n```json\n\{\n {2}"text": "It adds\."\n\}\n```/);
  });

  it('says when the tier does not count hits or pin, when it expired, and when the value is gone', () => {
    const text = entryInspectionText(
      { layer: 'prompt', tier: 'redis', entry: entry({ hits: undefined, expiresAt: NOW - 1 }), value: undefined, found: false },
      NOW,
    );
    assert.match(text, /\| Hits \| not counted by this tier \|/);
    assert.match(text, /\| Pinned \| not applicable/);
    assert.match(text, /\(expired\) \|/);
    assert.match(text, /no longer cached/);
    assert.doesNotMatch(text, /Value preview/);
  });

  it('cuts a long value to a preview and says how much more there is', () => {
    const text = entryInspectionText({ layer: 'context', tier: 'memory', entry: entry({ pinned: false }), value: 'x'.repeat(10_000), found: true }, NOW);
    assert.match(text, /\| Pinned \| no \|/);
    assert.match(text, /… \(\d+ more characters; Open Entry shows it all\)/);
    assert.ok(text.length < PREVIEW_CHARS + 2_000);
  });
});
