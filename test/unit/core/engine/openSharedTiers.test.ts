import assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/clock';
import { DEFAULT_CONFIG, type CacheConfig } from '../../../../src/core/config';
import { openSharedTiers } from '../../../../src/core/engine/openSharedTiers';
import { EngineProblems } from '../../../../src/core/engineProblems';
import { silentLogger } from '../../../../src/core/logger';
import type { TierOpenContext } from '../../../../src/core/tiers/sharedTierDriver';

function contextFor(config: CacheConfig, keptOff: string): TierOpenContext {
  return {
    config,
    secrets: {},
    clock: new ManualClock(),
    logger: silentLogger,
    problems: new EngineProblems(silentLogger, undefined),
    sealer: undefined,
    keptOff,
    storageProblem: undefined,
    oneShot: false,
    databaseFeatures: { tableExtensions: [] },
  };
}

describe('opening the registered shared tiers', () => {
  const reason = 'claudeCache.encryption.enabled is on but no encryption key is set';

  it('keeps every configured tier off for a reason that applies to all, and leaves an unconfigured one off', async () => {
    const { tiers, openings } = await openSharedTiers(contextFor(DEFAULT_CONFIG, reason), () => false);
    assert.deepEqual(tiers, []);
    assert.deepEqual(
      openings.map(({ tier, status, detail }) => ({ tier, status, detail })),
      [
        { tier: 'memory', status: 'up', detail: 'in process' },
        { tier: 'redis', status: 'off', detail: 'no claudeCache.redis.url set' },
        { tier: 'surreal', status: 'failed', detail: reason },
      ],
    );
  });

  it('reports a configured Redis as failed for that reason without connecting to it', async () => {
    const config = { ...DEFAULT_CONFIG, redis: { ...DEFAULT_CONFIG.redis, url: 'redis://127.0.0.1:1' } };
    const { openings } = await openSharedTiers(contextFor(config, reason), () => false);
    assert.deepEqual(
      openings.filter((opening) => opening.tier === 'redis').map(({ status, detail }) => ({ status, detail })),
      [{ status: 'failed', detail: reason }],
    );
  });
});
