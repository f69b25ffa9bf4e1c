import assert from 'node:assert/strict';
import { tierHealth } from '../../../../src/extension/engine/tierHealth';
import { TierTreeModel } from '../../../../src/extension/views/tierTreeModel';
import { snapshot } from '../../../helpers/extensionDoubles';

describe('Redis topology in the views', () => {
  let masters = 3;
  const openings = [{ tier: 'redis' as const, status: 'up' as const, detail: 'cluster via 10.0.0.1:7000', liveDetail: () => `cluster, ${masters} masters` }];

  it("names the topology as it is now in the Redis tier's health", () => {
    assert.deepEqual(tierHealth('redis', 'up', openings), { status: 'up', detail: 'cluster, 3 masters' });
    masters = 2;
    assert.deepEqual(tierHealth('redis', 'degraded', openings), { status: 'degraded', detail: 'cluster, 2 masters' });
    masters = 3;
  });

  it("shows it in the Redis tier node's tooltip", () => {
    const model = new TierTreeModel();
    model.update(snapshot({ tiers: { memory: { entries: 1 }, redis: { status: 'up', entries: 1 } } }, { openings }));
    const view = model.present({ kind: 'tier', layer: 'result', tier: 'redis', entries: [] }, 0);
    assert.match(view.tooltip, /cluster, 3 masters/);
  });

  it('keeps a standalone Redis tier without a detail', () => {
    assert.deepEqual(tierHealth('redis', 'up', [{ tier: 'redis', status: 'up', detail: 'redis://127.0.0.1:6379' }]), { status: 'up' });
  });
});
