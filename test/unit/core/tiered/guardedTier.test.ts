import assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/clock';
import { StoreError, StoreTimeoutError } from '../../../../src/core/errors';
import type { TierStatus } from '../../../../src/core/layers';
import { MemoryStore } from '../../../../src/core/stores/memory/memoryStore';
import type { Store } from '../../../../src/core/stores/store';
import { CacheStats } from '../../../../src/core/tiered/cacheStats';
import { GuardedTier, SKIPPED } from '../../../../src/core/tiered/guardedTier';
import { ChaosStore } from '../../../helpers/chaosStore';

const BUDGETS = { prompt: 1e6, context: 1e6, module: 1e6, result: 1e6 };
const VALUE = Uint8Array.from([1, 2, 3]);
/** Lets what a fired timer set off run: promise callbacks, not time. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** The timeout and the circuit breaker in front of a shared tier, against a store that fails or stalls on demand. */
describe('GuardedTier', () => {
  let clock: ManualClock;
  let chaos: ChaosStore;
  let statuses: TierStatus[];
  let errors: Error[];
  let tier: GuardedTier;

  function guard(timeoutMs = 1_000): GuardedTier {
    return new GuardedTier('redis', chaos, {
      timeoutMs,
      breakerThreshold: 2,
      breakerCooldownMs: 5_000,
      clock,
      timers: clock,
      stats: new CacheStats(),
      onStatus: (status) => statuses.push(status),
      onError: (_operation, error) => errors.push(error),
    });
  }

  beforeEach(async () => {
    clock = new ManualClock();
    // The memory store holds any value; here it stands in for a shared tier, which holds bytes.
    chaos = new ChaosStore(new MemoryStore({ budgets: BUDGETS, clock }) as Store<unknown> as Store<Uint8Array>);
    statuses = [];
    errors = [];
    tier = guard();
    await chaos.set('result', 'k', VALUE, { ttlMs: 60_000 });
  });

  afterEach(async () => {
    tier.dispose();
    await chaos.close();
  });

  it("passes the store's answers through while it works", async () => {
    const found = await tier.call('get', (store) => store.get('result', 'k'));
    assert.notEqual(found, SKIPPED);
    assert.deepEqual(found === SKIPPED ? undefined : found?.value, VALUE);
    assert.equal(tier.status, 'up');
    assert.deepEqual(errors, []);
  });

  it('skips a failing call, opens after the threshold, stops calling, and probes once after the cooldown', async () => {
    chaos.fail();
    assert.equal(await tier.call('get', (store) => store.get('result', 'k')), SKIPPED);
    assert.ok(errors[0] instanceof StoreError);
    assert.equal(tier.status, 'up', 'one failure is not enough');
    assert.equal(await tier.call('get', (store) => store.get('result', 'k')), SKIPPED);
    assert.equal(tier.status, 'down', 'it never answered, so it reads as down');
    const reached = chaos.calls;
    assert.equal(await tier.call('get', (store) => store.get('result', 'k')), SKIPPED);
    assert.equal(errors.length, 2, 'an open breaker does not call the store at all');
    assert.equal(chaos.calls, reached);

    chaos.heal();
    clock.advance(4_999);
    assert.equal(await tier.call('get', (store) => store.get('result', 'k')), SKIPPED, 'still cooling down');
    clock.advance(1);
    assert.notEqual(await tier.call('get', (store) => store.get('result', 'k')), SKIPPED, 'the probe goes through');
    assert.equal(tier.status, 'up');
    assert.deepEqual([statuses[0], statuses.at(-1)], ['down', 'up'], statuses.join(' -> '));
  });

  it('reads as degraded, not down, when a tier that answered before starts failing', async () => {
    await tier.call('get', (store) => store.get('result', 'k'));
    chaos.fail(2);
    await tier.call('get', (store) => store.get('result', 'k'));
    await tier.call('get', (store) => store.get('result', 'k'));
    assert.equal(tier.status, 'degraded');
  });

  it('gives up on a stalled call at its timeout', async () => {
    tier.dispose();
    tier = guard(20);
    chaos.stall();
    const call = tier.call('get', (store) => store.get('result', 'k'));
    clock.advance(19);
    await flush();
    assert.equal(errors.length, 0, 'still within its time');
    clock.advance(1);
    assert.equal(await call, SKIPPED);
    assert.ok(errors[0] instanceof StoreTimeoutError, String(errors[0]));
  });

  it('lets a call wait past its timeout for a backend that is still opening', async () => {
    tier.dispose();
    tier = guard(20);
    let opened!: () => void;
    chaos.openUntil(new Promise<void>((resolve) => (opened = resolve)));
    let settled = false;
    const call = tier.call('get', (store) => store.get('result', 'k')).finally(() => (settled = true));
    clock.advance(60);
    await flush();
    assert.equal(settled, false, 'past its timeout, the call still waits for the opening backend');
    opened();
    const found = await call;
    assert.notEqual(found, SKIPPED);
    assert.deepEqual(errors, []);
    assert.equal(tier.status, 'up');
  });
});
