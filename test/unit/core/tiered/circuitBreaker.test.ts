import assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/clock';
import { CircuitBreaker, type BreakerState } from '../../../../src/core/tiered/circuitBreaker';

describe('CircuitBreaker', () => {
  function breaker(clock = new ManualClock()) {
    const changes: BreakerState[] = [];
    const instance = new CircuitBreaker({ threshold: 3, cooldownMs: 1000, clock }, (state) => changes.push(state));
    return { instance, changes, clock };
  }

  it('stays closed until the threshold of consecutive failures', () => {
    const { instance } = breaker();
    instance.failure();
    instance.failure();
    assert.equal(instance.state, 'closed');
    assert.ok(instance.allow());
    instance.failure();
    assert.equal(instance.state, 'open');
    assert.equal(instance.allow(), false);
  });

  it('forgets failures after a success', () => {
    const { instance } = breaker();
    instance.failure();
    instance.failure();
    instance.success();
    instance.failure();
    instance.failure();
    assert.equal(instance.state, 'closed');
  });

  it('lets exactly one probe through after the cooldown and closes when it succeeds', () => {
    const { instance, clock, changes } = breaker();
    for (let i = 0; i < 3; i++) instance.failure();
    clock.advance(999);
    assert.equal(instance.allow(), false);
    clock.advance(1);
    assert.equal(instance.allow(), true);
    assert.equal(instance.state, 'half-open');
    assert.equal(instance.allow(), false, 'a second caller must not probe at the same time');
    instance.success();
    assert.equal(instance.state, 'closed');
    assert.deepEqual(changes, ['open', 'half-open', 'closed']);
  });

  it('reopens for another cooldown when the probe fails', () => {
    const { instance, clock } = breaker();
    for (let i = 0; i < 3; i++) instance.failure();
    clock.advance(1000);
    assert.ok(instance.allow());
    instance.failure();
    assert.equal(instance.state, 'open');
    clock.advance(500);
    assert.equal(instance.allow(), false);
  });

  it('tells whether the tier ever answered', () => {
    const { instance } = breaker();
    assert.equal(instance.hasSucceeded, false);
    instance.success();
    assert.equal(instance.hasSucceeded, true);
  });

  it('closes at once on reset', () => {
    const { instance } = breaker();
    for (let i = 0; i < 3; i++) instance.failure();
    instance.reset();
    assert.equal(instance.state, 'closed');
    assert.ok(instance.allow());
  });
});
