import assert from 'node:assert/strict';
import {
  AlertMonitor,
  AlertNotificationGate,
  DEFAULT_ALERT_RULES,
  evaluateAlerts,
  type Alert,
  type AlertSample,
} from '../../../../src/core/alerts';
import { ManualClock } from '../../../../src/core/clock';
import { LAYERS, type Layer } from '../../../../src/core/layers';

const MINUTE = 60_000;
/** Lets what a fired timer set off run: promise callbacks, not time. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A sample with everything at zero and a roomy memory budget, changed by `edit`. */
function sample(at: number, edit: (s: AlertSample) => void = () => undefined): AlertSample {
  const layers = {} as AlertSample['layers'];
  const memory = {} as AlertSample['memory'];
  for (const layer of LAYERS) {
    layers[layer] = { hits: 0, misses: 0 };
    memory[layer] = { bytes: 0, budgetBytes: 1000 };
  }
  const s: AlertSample = {
    at,
    layers,
    memoryWrites: 0,
    evictions: 0,
    tiers: { redis: { operations: 0, errors: 0 }, surreal: { operations: 0, errors: 0 } },
    memory,
  };
  edit(s);
  return s;
}

function lookups(layer: Layer, hits: number, misses: number): (s: AlertSample) => void {
  return (s) => {
    s.layers[layer] = { hits, misses };
  };
}

const kinds = (alerts: readonly Alert[]) => alerts.map((alert) => `${alert.kind}:${alert.subject}`);

describe('Alert rules', () => {
  it('raises a layer whose hit rate is below its target (prompt 95, module 90, context 85, result 70 %)', () => {
    const now = sample(0, (s) => {
      s.layers.prompt = { hits: 94, misses: 6 };
      s.layers.module = { hits: 90, misses: 10 };
      s.layers.context = { hits: 80, misses: 20 };
      s.layers.result = { hits: 69, misses: 31 };
    });
    const alerts = evaluateAlerts(undefined, now, DEFAULT_ALERT_RULES);
    assert.deepEqual(kinds(alerts), ['hitRate:prompt', 'hitRate:context', 'hitRate:result']);
    assert.equal(alerts[2]?.message, 'result layer hit rate is 69 % over 100 lookups, below its 70 % target');
    assert.equal(alerts[2]?.value, 0.69);
    assert.equal(alerts[2]?.threshold, 0.7);
  });

  it('does not judge a hit rate on fewer lookups than the minimum, so a cold start raises nothing', () => {
    const now = sample(0, lookups('result', 0, DEFAULT_ALERT_RULES.minLookups - 1));
    assert.deepEqual(evaluateAlerts(undefined, now, DEFAULT_ALERT_RULES), []);
  });

  it('counts only what happened in the window: the difference from its starting sample', () => {
    const start = sample(0, lookups('result', 0, 1000));
    const now = sample(15 * MINUTE, lookups('result', 100, 1010));
    assert.deepEqual(evaluateAlerts(start, now, DEFAULT_ALERT_RULES), [], '100 hits of 110 lookups is 91 %');
  });

  it('raises evictions when more than half the memory writes evicted something', () => {
    const quiet = sample(0, (s) => {
      s.memoryWrites = 100;
      s.evictions = 50;
    });
    assert.deepEqual(evaluateAlerts(undefined, quiet, DEFAULT_ALERT_RULES), []);
    const busy = sample(0, (s) => {
      s.memoryWrites = 100;
      s.evictions = 80;
    });
    const [alert] = evaluateAlerts(undefined, busy, DEFAULT_ALERT_RULES);
    assert.equal(alert?.kind, 'evictions');
    assert.match(alert?.message ?? '', /evicted 80 entries for 100 writes.*memoryBudgetMB/);
  });

  it('raises memory above 80 % of the whole budget and names the fullest layer', () => {
    const full = sample(0, (s) => {
      for (const layer of LAYERS) s.memory[layer] = { bytes: 810, budgetBytes: 1000 };
      s.memory.context = { bytes: 930, budgetBytes: 1000 };
    });
    const [alert] = evaluateAlerts(undefined, full, DEFAULT_ALERT_RULES);
    assert.equal(alert?.kind, 'memory');
    assert.equal(alert?.message, 'memory tier is at 84 % of its budget (fullest: context layer)');
    const fine = sample(0, (s) => {
      s.memory.result = { bytes: 1000, budgetBytes: 1000 };
    });
    assert.deepEqual(evaluateAlerts(undefined, fine, DEFAULT_ALERT_RULES), [], 'one full layer of four is 25 % of the whole');
  });

  it('raises a shared tier failing more than 5 % of its operations, once it has enough of them', () => {
    const failing = sample(0, (s) => {
      s.tiers.redis = { operations: 100, errors: 6 };
      s.tiers.surreal = { operations: 100, errors: 5 };
    });
    const alerts = evaluateAlerts(undefined, failing, DEFAULT_ALERT_RULES);
    assert.deepEqual(kinds(alerts), ['tierErrors:redis']);
    assert.equal(alerts[0]?.message, 'Redis failed 6 of 100 operations (6 %, above 5 %)');
    const few = sample(0, (s) => {
      s.tiers.surreal = { operations: 10, errors: 10 };
    });
    assert.deepEqual(evaluateAlerts(undefined, few, DEFAULT_ALERT_RULES), []);
  });
});

describe('AlertMonitor', () => {
  it('judges everything counted until the session is a window old, then only the window', () => {
    const clock = new ManualClock(0);
    const monitor = new AlertMonitor({ clock, sample: async () => sample(0) });
    monitor.record(sample(0, lookups('result', 10, 90)));
    assert.deepEqual(kinds(monitor.active()), ['hitRate:result'], 'lifetime counts: 10 %');
    // 15 minutes of nothing but hits: the window starts at the first sample, so the old misses drop out.
    monitor.record(sample(15 * MINUTE, lookups('result', 110, 90)));
    assert.deepEqual(monitor.active(), []);
  });

  it('tells listeners when the set of alerts changes, not on every sample', async () => {
    const clock = new ManualClock(0);
    let current = sample(0);
    const monitor = new AlertMonitor({ clock, sample: async () => current });
    const changes: string[][] = [];
    monitor.events.on('change', (alerts) => changes.push(kinds(alerts)));
    current = sample(0, lookups('module', 0, 30));
    await monitor.refresh();
    clock.advance(MINUTE);
    current = sample(0, lookups('module', 0, 40));
    await monitor.refresh();
    clock.advance(20 * MINUTE);
    current = sample(0, lookups('module', 100, 40));
    const after = await monitor.refresh();
    assert.deepEqual(after, []);
    assert.deepEqual(changes, [['hitRate:module'], []]);
  });

  it('samples on its own timer until stopped, skipping a sample that fails', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    const monitor = new AlertMonitor({
      clock,
      timers: clock,
      sample: async () => {
        calls += 1;
        if (calls === 1) throw new Error('ledger busy');
        return sample(0, lookups('result', 0, 50));
      },
    });
    monitor.start(5);
    clock.advance(4);
    assert.equal(calls, 0, 'the first sample comes after one interval');
    clock.advance(1);
    await flush();
    assert.deepEqual([calls, monitor.active()], [1, []], 'the failed sample is skipped');
    clock.advance(5);
    await flush();
    assert.equal(calls, 2);
    assert.deepEqual(kinds(monitor.active()), ['hitRate:result']);
    monitor.stop();
    clock.advance(60_000);
    await flush();
    assert.equal(calls, 2, 'no sample after stop');
  });
});

describe('AlertNotificationGate', () => {
  const alert = (kind: Alert['kind'], subject: Alert['subject']): Alert => ({ kind, subject, value: 0, threshold: 0, message: kind });

  it('admits one notification per kind per hour', () => {
    const clock = new ManualClock(0);
    const gate = new AlertNotificationGate(clock);
    assert.deepEqual(kinds(gate.admit([alert('hitRate', 'result'), alert('hitRate', 'module'), alert('memory', 'memory')])), [
      'hitRate:result',
      'memory:memory',
    ]);
    clock.advance(59 * MINUTE);
    assert.deepEqual(gate.admit([alert('hitRate', 'prompt'), alert('tierErrors', 'redis')]).map((a) => a.kind), ['tierErrors']);
    clock.advance(MINUTE);
    assert.deepEqual(gate.admit([alert('hitRate', 'prompt')]).map((a) => a.subject), ['prompt']);
  });
});
