import assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/clock';
import { LAYERS, type Layer } from '../../../../src/core/layers';
import { createLogger } from '../../../../src/core/logger';
import { formatMs, TtlTuner, type TtlBounds } from '../../../../src/core/tuning/ttlTuner';
import type { UsageRecord } from '../../../../src/core/usage/usageRecord';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function perLayer<T>(value: T): Record<Layer, T> {
  return Object.fromEntries(LAYERS.map((layer) => [layer, value])) as Record<Layer, T>;
}

function lookup(at: number, key: string, outcome: 'compute' | 'memory', layer: Layer = 'result'): UsageRecord {
  return {
    at,
    workspace: '/ws',
    workflow: 'review-file',
    model: 'm',
    request: { args: [], inputs: {}, hadSelection: false },
    steps: [{ layer, key, outcome }],
    costUsd: 0,
    upstreamCalls: outcome === 'compute' ? 1 : 0,
    durationMs: 1,
    prefixTokens: 0,
  };
}

describe('TtlTuner', () => {
  let clock: ManualClock;
  let applied: Array<Record<Layer, number>>;
  let infos: string[];

  function tuner(options: { enabled?: boolean; bounds?: TtlBounds; configured?: number } = {}) {
    applied = [];
    infos = [];
    return new TtlTuner({
      configuredMs: perLayer(options.configured ?? HOUR),
      bounds: perLayer(options.bounds ?? { minMs: 10 * MINUTE, maxMs: 8 * HOUR }),
      enabled: options.enabled ?? true,
      onChange: (ttl) => applied.push(ttl),
      logger: createLogger((level, message) => level === 'info' && infos.push(message)),
      evaluateEveryMs: 10 * MINUTE,
      minSamples: 4,
    });
  }

  beforeEach(() => {
    clock = new ManualClock();
  });

  /** Writes `keys` now, then asks for each again `gap` after it expired (a miss). */
  function expireAndAskAgain(t: TtlTuner, keys: string[], ttl: number, gap: number) {
    for (const key of keys) t.observe(lookup(clock.now(), key, 'compute'));
    clock.advance(ttl + gap);
    for (const key of keys) t.observe(lookup(clock.now(), key, 'compute'));
  }

  it('lengthens a layer whose entries are asked for again soon after they expire, and says why', () => {
    const t = tuner();
    expireAndAskAgain(t, ['a', 'b', 'c', 'd'], HOUR, 5 * MINUTE);
    const changes = t.evaluate(clock.now());
    assert.equal(changes.length, 1);
    assert.deepEqual({ layer: changes[0]?.layer, from: changes[0]?.fromMs, to: changes[0]?.toMs }, { layer: 'result', from: HOUR, to: 2 * HOUR });
    assert.equal(t.ttlMs().result, 2 * HOUR);
    assert.equal(t.ttlMs().prompt, HOUR, 'other layers keep theirs');
    assert.equal(applied.at(-1)?.result, 2 * HOUR);
    assert.match(infos[0] ?? '', /result TTL 60 min -> 2 h: 4 of 4 expired entries were asked for again within 60 min of expiring/);
    assert.deepEqual(t.changes().map((c) => c.toMs), [2 * HOUR]);
  });

  it('never lengthens past the upper bound', () => {
    const t = tuner({ bounds: { minMs: MINUTE, maxMs: 90 * MINUTE } });
    expireAndAskAgain(t, ['a', 'b', 'c', 'd'], HOUR, MINUTE);
    t.evaluate(clock.now());
    assert.equal(t.ttlMs().result, 90 * MINUTE);
    expireAndAskAgain(t, ['e', 'f', 'g', 'h'], 90 * MINUTE, MINUTE);
    assert.deepEqual(t.evaluate(clock.now()), [], 'at the bound: no change');
    assert.equal(t.ttlMs().result, 90 * MINUTE);
  });

  it('shortens a layer whose entries are never read again before they expire, down to the lower bound', () => {
    const t = tuner({ bounds: { minMs: 40 * MINUTE, maxMs: 8 * HOUR } });
    for (const key of ['a', 'b', 'c', 'd', 'e']) t.observe(lookup(clock.now(), key, 'compute'));
    clock.advance(3 * HOUR);
    const changes = t.evaluate(clock.now());
    assert.equal(changes[0]?.toMs, 40 * MINUTE);
    assert.match(changes[0]?.reason ?? '', /5 of 5 entries were never read again before they expired/);
  });

  it('leaves a TTL alone when entries were read while they lived and nobody asked for them after', () => {
    const t = tuner();
    for (const key of ['a', 'b', 'c', 'd']) t.observe(lookup(clock.now(), key, 'compute'));
    clock.advance(10 * MINUTE);
    for (const key of ['a', 'b', 'c', 'd']) t.observe(lookup(clock.now(), key, 'memory'));
    clock.advance(3 * HOUR);
    assert.deepEqual(t.evaluate(clock.now()), []);
    assert.equal(t.ttlMs().result, HOUR);
  });

  it('does not count a miss before expiry (an invalidation) or a request long after expiry as evidence for a longer TTL', () => {
    const t = tuner();
    for (const key of ['a', 'b', 'c', 'd']) t.observe(lookup(clock.now(), key, 'compute'));
    clock.advance(10 * MINUTE);
    for (const key of ['a', 'b', 'c', 'd']) t.observe(lookup(clock.now(), key, 'compute')); // invalidated, recomputed
    clock.advance(5 * HOUR);
    for (const key of ['a', 'b', 'c', 'd']) t.observe(lookup(clock.now(), key, 'compute')); // long after expiry
    const changes = t.evaluate(clock.now());
    assert.ok(changes.every((change) => change.toMs <= HOUR), 'never lengthened');
  });

  it('waits for enough expiries before changing anything', () => {
    const t = tuner();
    expireAndAskAgain(t, ['a', 'b'], HOUR, MINUTE);
    assert.deepEqual(t.evaluate(clock.now()), []);
  });

  it('evaluates by itself as records arrive, once the evaluation interval has passed', () => {
    const t = tuner();
    expireAndAskAgain(t, ['a', 'b', 'c', 'd'], HOUR, MINUTE);
    clock.advance(10 * MINUTE);
    t.observe(lookup(clock.now(), 'z', 'memory'));
    assert.equal(t.ttlMs().result, 2 * HOUR);
  });

  it('does nothing when off, and gives the configured TTLs back when turned off', () => {
    const off = tuner({ enabled: false });
    expireAndAskAgain(off, ['a', 'b', 'c', 'd'], HOUR, MINUTE);
    assert.deepEqual(off.evaluate(clock.now()), []);
    assert.equal(off.isEnabled, false);

    const t = tuner();
    expireAndAskAgain(t, ['a', 'b', 'c', 'd'], HOUR, MINUTE);
    t.evaluate(clock.now());
    assert.equal(t.ttlMs().result, 2 * HOUR);
    t.reconfigure({ configuredMs: perLayer(HOUR), bounds: perLayer({ minMs: MINUTE, maxMs: 8 * HOUR }), enabled: false });
    assert.equal(t.ttlMs().result, HOUR);
  });

  it('keeps a tuned TTL across a settings change, clamped into new bounds, and starts over when the configured TTL changes', () => {
    const t = tuner();
    expireAndAskAgain(t, ['a', 'b', 'c', 'd'], HOUR, MINUTE);
    t.evaluate(clock.now());
    t.reconfigure({ configuredMs: perLayer(HOUR), bounds: perLayer({ minMs: MINUTE, maxMs: 90 * MINUTE }), enabled: true });
    assert.equal(t.ttlMs().result, 90 * MINUTE);
    t.reconfigure({ configuredMs: { ...perLayer(HOUR), result: 30 * MINUTE }, bounds: perLayer({ minMs: MINUTE, maxMs: 90 * MINUTE }), enabled: true });
    assert.equal(t.ttlMs().result, 30 * MINUTE);
  });

  it('starts from the configured TTL clamped into the bounds', () => {
    const t = tuner({ configured: 5 * MINUTE });
    assert.equal(t.ttlMs().result, 10 * MINUTE);
  });

  it('forgets the oldest keys beyond its limit', () => {
    const t = new TtlTuner({
      configuredMs: perLayer(HOUR),
      bounds: perLayer({ minMs: MINUTE, maxMs: 8 * HOUR }),
      enabled: true,
      onChange: () => undefined,
      minSamples: 1,
      maxTrackedKeys: 2,
    });
    for (const key of ['a', 'b', 'c']) t.observe(lookup(clock.now(), key, 'compute'));
    clock.advance(HOUR + MINUTE);
    t.observe(lookup(clock.now(), 'a', 'compute')); // forgotten: not evidence
    assert.deepEqual(t.evaluate(clock.now()), []);
  });
});

describe('formatMs', () => {
  it('picks a unit a log line reads easily', () => {
    assert.equal(formatMs(90_000), '90 s');
    assert.equal(formatMs(15 * MINUTE), '15 min');
    assert.equal(formatMs(3 * HOUR), '3 h');
    assert.equal(formatMs(72 * HOUR), '3 d');
  });
});
