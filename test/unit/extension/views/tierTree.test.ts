import assert from 'node:assert/strict';
import type { EntryInfo } from '../../../../src/core/stores/store';
import { ENTRIES_PER_TIER, TierTreeModel, entryLabel } from '../../../../src/extension/views/tierTreeModel';
import { snapshot } from '../../../helpers/extensionDoubles';

const NOW = 1_700_000_000_000;
const KEY = `review-file:k1:${'ab'.repeat(32)}`;

function entry(overrides: Partial<EntryInfo> = {}): EntryInfo {
  return { key: KEY, size: 2048, createdAt: NOW - 3 * 60_000, expiresAt: NOW + 57 * 60_000, hits: 4, ...overrides };
}

describe('TierTreeModel', () => {
  it('has no roots while nothing is cached, so the view shows its welcome content', () => {
    const model = new TierTreeModel();
    assert.deepEqual(model.roots(), []);
    model.update(snapshot());
    assert.equal(model.isEmpty, true);
    assert.deepEqual(model.roots(), []);
  });

  it('lists the four layers in run order once any tier holds an entry', () => {
    const model = new TierTreeModel();
    model.update(snapshot({ tiers: { surreal: { status: 'up', entries: 2 } } }));
    assert.deepEqual(
      model.roots().map((node) => (node.kind === 'layer' ? node.layer : node.kind)),
      ['prompt', 'module', 'context', 'result'],
    );
  });

  it('describes a layer by hit rate and the entries of every configured tier, memory and bytes in the tooltip', () => {
    const model = new TierTreeModel();
    model.update(
      snapshot({
        layers: { result: { hits: 7, misses: 1, hitRate: 0.875, entries: 3, bytes: 1536, budgetBytes: 200 * 1024 * 1024 } },
        tiers: { memory: { entries: 3 } },
      }),
    );
    const view = model.present({ kind: 'layer', layer: 'result' }, NOW);
    assert.equal(view.label, 'Result');
    assert.equal(view.description, '88% · Memory 3');
    assert.match(view.tooltip, /\| Memory used \| 1\.5 KB of 200 MB \|/);
    assert.match(view.tooltip, /lookups in this window/, 'the hit counts say their scope');
    assert.equal(view.contextValue, 'layer');
    assert.equal(view.id, 'layer:result');
    assert.equal(view.collapsible, true);
    assert.match(view.tooltip, /\| Hits \| 7 \|/);
    assert.match(view.tooltip, /\| Misses \| 1 \|/);
  });

  it('shows a dash, not 0 %, for a layer nobody asked yet', () => {
    const model = new TierTreeModel();
    model.update(snapshot({ tiers: { memory: { entries: 1 } }, layers: { prompt: { entries: 1 } } }));
    assert.equal(model.present({ kind: 'layer', layer: 'module' }, NOW).description, '– · Memory 0');
    assert.equal(model.present({ kind: 'layer', layer: 'prompt' }, NOW).description, '– · Memory 1');
  });

  it('counts a layer in every configured tier, not in memory alone', () => {
    const model = new TierTreeModel();
    model.update(
      snapshot({ layers: { result: { entries: 1 } }, tiers: { memory: { entries: 1 }, surreal: { status: 'up', entries: 6 } } }),
    );
    model.updateCounts({ result: { surreal: 6 } });
    const view = model.present({ kind: 'layer', layer: 'result' }, NOW);
    assert.equal(view.description, '– · Memory 1 · SurrealDB 6');
    assert.match(view.tooltip, /\| Entries in SurrealDB \| 6 \|/);
    model.updateCounts({ result: { surreal: ENTRIES_PER_TIER } });
    assert.match(model.present({ kind: 'layer', layer: 'result' }, NOW).description, new RegExp(`SurrealDB ${ENTRIES_PER_TIER}\\+$`));
  });

  it('names an entry by the workflow, file and arguments that produced it, the full key only on the tooltip\'s last line', () => {
    const origins = new Map([[KEY, { workflow: 'review-file', file: 'src/greeting.ts', args: 'focus on errors' }]]);
    const model = new TierTreeModel({ origin: (key) => origins.get(key) });
    const view = model.present({ kind: 'entry', layer: 'result', tier: 'surreal', entry: entry() }, NOW);
    assert.equal(view.label, 'review-file · src/greeting.ts · "focus on errors"');
    assert.equal(view.description, '2 KB · 3 min old');
    const lines = view.tooltip.split('\n');
    assert.equal(lines.at(-1), `Key: \`${KEY}\``);
    assert.equal(lines.filter((line) => line.includes(KEY)).length, 1, 'the key appears once');
    assert.ok(view.tooltip.includes('| File | src/greeting\\.ts |'), 'the file, Markdown-escaped');
  });

  it('shows each tier with its status and entry count, memory counted exactly', () => {
    const model = new TierTreeModel();
    model.update(
      snapshot({ layers: { result: { entries: 120 } }, tiers: { memory: { entries: 120 }, redis: { status: 'up' } } }),
    );
    const memory = model.present({ kind: 'tier', layer: 'result', tier: 'memory', entries: [entry()] }, NOW);
    assert.equal(memory.label, 'Memory');
    assert.equal(memory.description, 'up · 120 entries');
    assert.equal(memory.contextValue, 'tier');
    const many = Array.from({ length: ENTRIES_PER_TIER }, (_, i) => entry({ key: `k:k1:${i}` }));
    const redis = model.present({ kind: 'tier', layer: 'result', tier: 'redis', entries: many }, NOW);
    assert.equal(redis.description, `up · ${ENTRIES_PER_TIER}+ entries`);
    const surreal = model.present({ kind: 'tier', layer: 'result', tier: 'surreal', entries: [] }, NOW);
    assert.equal(surreal.label, 'SurrealDB');
    assert.equal(surreal.description, 'off');
    assert.equal(surreal.collapsible, false);
  });

  it('marks a tier that failed to open as down and says why, in the node and above the tree', () => {
    const model = new TierTreeModel();
    model.update(
      snapshot(
        { tiers: { memory: { entries: 1 } } },
        { openings: [{ tier: 'surreal', status: 'failed', detail: 'LOCK held by pid 42' }] },
      ),
    );
    const view = model.present({ kind: 'tier', layer: 'context', tier: 'surreal', entries: [] }, NOW);
    assert.equal(view.description, 'down');
    assert.equal(view.iconColor, 'list.errorForeground');
    assert.match(view.tooltip, /LOCK held by pid 42/);
    assert.equal(model.isListable('surreal'), false);
    assert.equal(model.isListable('memory'), true);
    assert.match(model.message() ?? '', /^SurrealDB is down: LOCK held by pid 42\. The cache keeps working without it\.$/);
  });

  it('has no message while every tier is healthy or off', () => {
    const model = new TierTreeModel();
    assert.equal(model.message(), undefined);
    model.update(snapshot({ tiers: { memory: { entries: 1 } } }));
    assert.equal(model.message(), undefined);
  });

  it('describes an entry with size, age, TTL left and hits', () => {
    const model = new TierTreeModel();
    const view = model.present({ kind: 'entry', layer: 'result', tier: 'memory', entry: entry() }, NOW);
    assert.equal(view.label, 'review-file · abababab');
    assert.equal(view.description, '2 KB · 3 min old');
    assert.equal(view.contextValue, 'entry');
    assert.equal(view.id, `entry:result:memory:${KEY}`);
    assert.match(view.tooltip, new RegExp(`\`${KEY}\``));
    assert.match(view.tooltip, /\| TTL left \| 57 min \|/);
    assert.match(view.tooltip, /\| Hits \| 4 \|/);
  });

  it('marks a pinned memory entry in its description, icon and tooltip', () => {
    const model = new TierTreeModel();
    const pinned = model.present({ kind: 'entry', layer: 'result', tier: 'memory', entry: entry({ pinned: true }) }, NOW);
    assert.equal(pinned.description, 'pinned · 2 KB · 3 min old');
    assert.equal(pinned.icon, 'pinned');
    assert.match(pinned.tooltip, /\| Pinned \| yes/);
    const plain = model.present({ kind: 'entry', layer: 'result', tier: 'memory', entry: entry({ pinned: false }) }, NOW);
    assert.match(plain.tooltip, /\| Pinned \| no \|/);
    assert.equal(plain.icon, 'symbol-key');
  });

  it('says when a tier does not count hits, and when an entry has expired', () => {
    const model = new TierTreeModel();
    const view = model.present(
      { kind: 'entry', layer: 'prompt', tier: 'redis', entry: entry({ hits: undefined, expiresAt: NOW - 1 }) },
      NOW,
    );
    assert.match(view.tooltip, /\| Hits \| not counted by this tier \|/);
    assert.match(view.tooltip, /\| TTL left \| expired \|/);
  });
});

describe('entryLabel', () => {
  it('keeps namespaced workflow names and shortens the hash', () => {
    assert.equal(entryLabel(`frontend:lint:k1:${'0123456789'.repeat(6)}`), 'frontend:lint · 01234567');
  });

  it('leaves keys of another shape alone', () => {
    assert.equal(entryLabel('plain-key'), 'plain-key');
  });
});
