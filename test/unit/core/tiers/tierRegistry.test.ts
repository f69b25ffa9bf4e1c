import assert from 'node:assert/strict';
import { CONFIG_KEY_LIST, DEFAULT_CONFIG, settingId } from '../../../../src/core/config';
import { SHARED_TIERS, TIERS, perTier } from '../../../../src/core/layers';
import { SHARED_TIER_DRIVERS, tierConfigSections, tierLabel, tierSettings } from '../../../../src/core/tiers/tierRegistry';

describe('the shared-tier registry', () => {
  it('is the one list the tier names come from: memory first, then the drivers in their order', () => {
    assert.deepEqual(TIERS, ['memory', ...SHARED_TIER_DRIVERS.map((driver) => driver.name)]);
    assert.deepEqual(SHARED_TIERS, ['redis', 'surreal'], 'Redis is asked before SurrealDB');
    assert.equal(new Set(TIERS).size, TIERS.length, 'names are unique');
    assert.deepEqual(perTier((tier) => tier.length), { memory: 6, redis: 5, surreal: 7 });
  });

  it('gives each tier a label and a settings section that exists', () => {
    assert.deepEqual(TIERS.map(tierLabel), ['Memory', 'Redis', 'SurrealDB']);
    for (const driver of SHARED_TIER_DRIVERS) {
      assert.equal(tierSettings(driver.name), driver.settings);
      assert.ok(
        CONFIG_KEY_LIST.some((key) => settingId(key).startsWith(`${driver.settings}.`)),
        `${driver.settings} names real settings`,
      );
      assert.ok(driver.configSection in DEFAULT_CONFIG, `${driver.configSection} is part of the config`);
    }
  });

  it("reads every tier's part of the config, so a change to any of them reopens the tiers", () => {
    const changed = { ...DEFAULT_CONFIG, surreal: { ...DEFAULT_CONFIG.surreal, namespace: 'other' } };
    assert.deepEqual(tierConfigSections(DEFAULT_CONFIG), [DEFAULT_CONFIG.redis, DEFAULT_CONFIG.surreal]);
    assert.notDeepEqual(tierConfigSections(changed), tierConfigSections(DEFAULT_CONFIG));
  });
});
