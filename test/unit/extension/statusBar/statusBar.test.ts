import assert from 'node:assert/strict';
import { statusBarContent, type CacheSummary } from '../../../../src/extension/statusBar/statusBarContent';
import { emptyTotals } from '../../../helpers/extensionDoubles';

function summary(overrides: Partial<CacheSummary> = {}): CacheSummary {
  return {
    layers: {
      prompt: { hits: 0, misses: 0 },
      module: { hits: 0, misses: 0 },
      context: { hits: 0, misses: 0 },
      result: { hits: 0, misses: 0 },
    },
    tiers: { memory: { status: 'up' }, redis: { status: 'off' }, surreal: { status: 'up' } },
    cost: emptyTotals(),
    ...overrides,
  };
}

describe('statusBarContent', () => {
  it('names itself with a spinner while the cache opens', () => {
    const content = statusBarContent({ phase: 'starting' });
    assert.equal(content.text, '$(sync~spin) Claude Cache');
    assert.equal(content.warning, false);
  });

  it('names itself before the first lookup, so a fresh window shows what the item is', () => {
    assert.equal(statusBarContent({ phase: 'ready', summary: summary() }).text, '$(database) Claude Cache');
  });

  it('shows the hit rate over all layers and the dollars saved', () => {
    const content = statusBarContent({
      phase: 'ready',
      summary: summary({
        layers: {
          prompt: { hits: 3, misses: 1 },
          module: { hits: 0, misses: 0 },
          context: { hits: 2, misses: 1 },
          result: { hits: 2, misses: 1 },
        },
        cost: emptyTotals({ savedUsd: 12.345, savedByLocalHitsUsd: 12, savedByProviderCacheUsd: 0.345, spentUsd: 3.2 }),
      }),
    });
    assert.equal(content.text, '$(database) 70% · $12.35 saved');
    assert.equal(content.warning, false);
  });

  it('puts a table per layer and the ledger split in the tooltip', () => {
    const { tooltip } = statusBarContent({
      phase: 'ready',
      summary: summary({
        layers: {
          prompt: { hits: 1, misses: 1 },
          module: { hits: 0, misses: 0 },
          context: { hits: 0, misses: 0 },
          result: { hits: 3, misses: 1 },
        },
        cost: emptyTotals({ savedUsd: 1.5, savedByLocalHitsUsd: 1.25, savedByProviderCacheUsd: 0.25, spentUsd: 0.5, upstreamCalls: 2, avoidedCalls: 3 }),
      }),
    });
    assert.match(tooltip, /\| Result \| 3 \| 1 \| 75% \|/);
    assert.match(tooltip, /\| Module \| 0 \| 0 \| – \|/);
    assert.match(tooltip, /\| \*\*All\*\* \| \*\*4\*\* \| \*\*2\*\* \| \*\*67%\*\* \|/);
    assert.match(tooltip, /\| Saved by local hits \| \$1\.25 \|/);
    assert.match(tooltip, /\| Saved by provider cache \| \$0\.25 \|/);
    assert.match(tooltip, /\| Spent \| \$0\.50 \|/);
    assert.match(tooltip, /\| Calls avoided \/ made \| 3 \/ 2 \|/);
  });

  it('warns while a tier is degraded or down, and says why', () => {
    const content = statusBarContent({
      phase: 'ready',
      summary: summary({
        tiers: { memory: { status: 'up' }, redis: { status: 'degraded' }, surreal: { status: 'down', detail: 'locked' } },
      }),
    });
    assert.equal(content.warning, true);
    assert.match(content.tooltip, /Tiers: Memory up · Redis degraded · SurrealDB down/);
    assert.match(content.tooltip, /SurrealDB: locked/);
  });

  it('does not warn for a tier that is merely off', () => {
    assert.equal(statusBarContent({ phase: 'ready', summary: summary() }).warning, false);
  });

  it('warns with the reason when the cache could not open', () => {
    const content = statusBarContent({ phase: 'failed', reason: 'EACCES: /cache' });
    assert.equal(content.text, '$(error) Claude Cache');
    assert.equal(content.warning, true);
    assert.match(content.tooltip, /EACCES: \/cache/);
  });

  it('names itself after closing', () => {
    assert.equal(statusBarContent({ phase: 'closed' }).text, '$(database) Claude Cache');
  });
});
