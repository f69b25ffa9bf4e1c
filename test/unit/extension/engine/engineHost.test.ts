import assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/clock';
import { DEFAULT_CONFIG, type CacheConfig } from '../../../../src/core/config';
import type { EngineOptions, HostedEngine } from '../../../../src/core/engine';
import { CacheSnapshots } from '../../../../src/extension/engine/cacheSnapshots';
import { EngineHost, type EngineState } from '../../../../src/extension/engine/engineHost';
import { EngineUnavailableError } from '../../../../src/extension/engine/errors';
import { deferred } from '../../../helpers/deferred';
import { emptyTotals, fakeEngine, recordingLogger, report, type FakeEngine } from '../../../helpers/extensionDoubles';

const NO_WORKFLOWS = async () => ({ workflows: [], problems: [] });

describe('EngineHost', () => {
  let timers: ManualClock;
  let opened: EngineOptions[];
  let engines: FakeEngine[];
  let states: EngineState['phase'][];
  let log: ReturnType<typeof recordingLogger>;
  let failNextOpen: Error | undefined;
  let apiKey: string | undefined;

  function newHost(open?: (options: EngineOptions) => Promise<HostedEngine>): EngineHost<HostedEngine> {
    const host = new EngineHost({
      logger: log,
      secrets: async () => ({ apiKey, surrealPassword: undefined }),
      workflows: NO_WORKFLOWS,
      timers,
      throttleMs: 500,
      open:
        open ??
        (async (options) => {
          opened.push(options);
          if (failNextOpen) {
            const error = failNextOpen;
            failNextOpen = undefined;
            throw error;
          }
          const fake = fakeEngine();
          fake.apiKey = options.apiKey;
          engines.push(fake);
          return fake.engine;
        }),
    });
    host.events.on('state', (state) => states.push(state.phase));
    return host;
  }

  beforeEach(() => {
    timers = new ManualClock();
    opened = [];
    engines = [];
    states = [];
    log = recordingLogger();
    failNextOpen = undefined;
    apiKey = undefined;
  });

  it('opens in the background and hands out the engine once it is open', async () => {
    const gate = deferred<void>();
    const host = newHost(async (options) => {
      await gate.promise;
      opened.push(options);
      const fake = fakeEngine();
      engines.push(fake);
      return fake.engine;
    });
    void host.start(DEFAULT_CONFIG);
    const waiting = host.engine();
    await Promise.resolve();
    assert.equal(host.state.phase, 'starting');
    assert.equal(host.engineIfReady, undefined);

    gate.resolve();
    const engine = await waiting;

    assert.equal(engine, engines[0]?.engine);
    assert.equal(host.state.phase, 'ready');
    assert.deepEqual(states, ['starting', 'ready']);
  });

  it('passes the config and the secrets of the moment to the engine', async () => {
    apiKey = 'sk-test';
    const host = newHost();
    await host.start(DEFAULT_CONFIG);
    assert.equal(opened[0]?.config, DEFAULT_CONFIG);
    assert.equal(opened[0]?.apiKey, 'sk-test');
    assert.equal(typeof opened[0]?.workflows, 'function');
  });

  it('reports a failed opening as a state, and commands get an error naming the cause', async () => {
    failNextOpen = new Error('disk full');
    const host = newHost();
    await host.start(DEFAULT_CONFIG);

    assert.equal(host.state.phase, 'failed');
    await assert.rejects(host.engine(), (error: unknown) => {
      assert.ok(error instanceof EngineUnavailableError);
      assert.equal(error.code, 'E_ENGINE_UNAVAILABLE');
      assert.match(error.message, /disk full/);
      return true;
    });
    assert.ok(log.lines.some((line) => /error: .*could not open: disk full/.test(line)));
  });

  it('applies live settings to the open engine without reopening it', async () => {
    const host = newHost();
    await host.start(DEFAULT_CONFIG);
    const next: CacheConfig = { ...DEFAULT_CONFIG, model: 'claude-opus-5-5' };

    await host.applyConfig(next);

    assert.deepEqual(engines[0]?.applied, [next]);
    assert.equal(opened.length, 1);
    assert.equal(engines[0]?.closed, 0);
  });

  it('closes the old engine before opening a new one when the tiers change', async () => {
    // The embedded SurrealDB folder is locked by the engine holding it: the new one may only open after.
    const closedAtOpening: number[] = [];
    const host = newHost(async (options) => {
      closedAtOpening.push(engines.reduce((sum, engine) => sum + engine.closed, 0));
      opened.push(options);
      const fake = fakeEngine();
      engines.push(fake);
      return fake.engine;
    });
    await host.start(DEFAULT_CONFIG);
    const first = engines[0] as FakeEngine;
    first.reopenNeeded = true;
    const next: CacheConfig = { ...DEFAULT_CONFIG, storageDir: '/elsewhere' };

    await host.applyConfig(next);

    assert.deepEqual(closedAtOpening, [0, 1]);
    assert.equal(first.closed, 1);
    assert.equal(opened.length, 2);
    assert.equal(opened[1]?.config, next);
    assert.equal(await host.engine(), engines[1]?.engine);
    assert.deepEqual(states, ['starting', 'ready', 'starting', 'ready']);
  });

  it('reopens when encryption at rest is switched, since the shared tiers are sealed at opening', async () => {
    const host = newHost();
    await host.start(DEFAULT_CONFIG);
    await host.applyConfig({ ...DEFAULT_CONFIG, encryption: { ...DEFAULT_CONFIG.encryption, enabled: true } });
    assert.equal(engines[0]?.closed, 1);
    assert.equal(opened.length, 2);
  });

  it('restarts on demand with the secrets of the moment', async () => {
    let encryptionKey: string | undefined;
    const host = new EngineHost({
      logger: log,
      secrets: async () => ({ encryptionKey }),
      workflows: NO_WORKFLOWS,
      timers,
      open: async (options) => {
        opened.push(options);
        const fake = fakeEngine();
        engines.push(fake);
        return fake.engine;
      },
    });
    await host.start(DEFAULT_CONFIG);
    encryptionKey = 'k'.repeat(44);
    await host.restart(DEFAULT_CONFIG);
    assert.equal(opened[0]?.encryptionKey, undefined);
    assert.equal(opened[1]?.encryptionKey, encryptionKey);
    assert.equal(engines[0]?.closed, 1);
  });

  it('tries again with new settings after a failed opening', async () => {
    failNextOpen = new Error('bad storage folder');
    const host = newHost();
    await host.start(DEFAULT_CONFIG);
    await host.applyConfig({ ...DEFAULT_CONFIG, storageDir: '/fixed' });
    assert.equal(host.state.phase, 'ready');
    assert.equal(opened.length, 2);
  });

  it('waits for an opening under way before applying settings', async () => {
    const host = newHost();
    void host.start(DEFAULT_CONFIG);
    const applied = host.applyConfig({ ...DEFAULT_CONFIG, maxTokens: 10 });
    await applied;
    assert.equal(engines[0]?.applied.length, 1);
  });

  it('turns a burst of cache and ledger events into one change signal per interval', async () => {
    const host = newHost();
    await host.start(DEFAULT_CONFIG);
    timers.advance(1_000);
    let changes = 0;
    host.events.on('changed', () => (changes += 1));
    const fake = engines[0] as FakeEngine;

    for (let i = 0; i < 20; i++) fake.cacheEvents.emit('hit', { layer: 'result', key: `k${i}`, tier: 'memory' });
    fake.ledgerEvents.emit('change', emptyTotals());
    assert.equal(changes, 0, 'nothing before the interval passes');
    timers.advance(500);
    assert.equal(changes, 1);

    fake.cacheEvents.emit('invalidated', {
      scope: 'all',
      layer: null,
      removed: { memory: 1, redis: 0, surreal: 0 },
      unreachable: [],
      remote: false,
    });
    timers.advance(500);
    assert.equal(changes, 2);
  });

  it('stops listening to an engine it closed', async () => {
    const host = newHost();
    await host.start(DEFAULT_CONFIG);
    const first = engines[0] as FakeEngine;
    first.reopenNeeded = true;
    await host.applyConfig({ ...DEFAULT_CONFIG, storageDir: '/other' });
    timers.advance(1_000);
    let changes = 0;
    host.events.on('changed', () => (changes += 1));

    first.cacheEvents.emit('miss', { layer: 'prompt', key: 'a' });
    timers.advance(1_000);

    assert.equal(changes, 0);
  });

  it('refreshNow signals a change at once', async () => {
    const host = newHost();
    await host.start(DEFAULT_CONFIG);
    timers.advance(1_000);
    let changes = 0;
    host.events.on('changed', () => (changes += 1));
    host.refreshNow();
    assert.equal(changes, 1);
  });

  it('hands a new API key to the open engine and to engines it opens later', async () => {
    apiKey = 'sk-old';
    const host = newHost();
    await host.start(DEFAULT_CONFIG);
    host.setApiKey('sk-new');
    assert.equal(engines[0]?.apiKey, 'sk-new');

    apiKey = undefined; // secret storage lagging behind the new key
    (engines[0] as FakeEngine).reopenNeeded = true;
    await host.applyConfig({ ...DEFAULT_CONFIG, storageDir: '/moved' });
    assert.equal(opened[1]?.apiKey, 'sk-new');
  });

  it('gives a key set while the engine is opening to that engine', async () => {
    const gate = deferred<void>();
    const host = newHost(async (options) => {
      await gate.promise;
      const fake = fakeEngine();
      fake.apiKey = options.apiKey;
      engines.push(fake);
      return fake.engine;
    });
    const started = host.start(DEFAULT_CONFIG);
    await new Promise((resolve) => setImmediate(resolve));
    host.setApiKey('sk-typed-while-starting');
    gate.resolve();
    await started;
    assert.equal(engines[0]?.apiKey, 'sk-typed-while-starting');
  });

  it('closes for good: the engine is closed and later settings do not reopen it', async () => {
    const host = newHost();
    await host.start(DEFAULT_CONFIG);
    await host.close();
    await host.applyConfig({ ...DEFAULT_CONFIG, storageDir: '/x' });

    assert.equal(engines[0]?.closed, 1);
    assert.equal(opened.length, 1);
    assert.equal(host.state.phase, 'closed');
    await assert.rejects(host.engine(), /closed/);
  });

  it('logs a failure to close and carries on', async () => {
    const host = newHost();
    await host.start(DEFAULT_CONFIG);
    (engines[0] as FakeEngine).engine.close = async () => {
      throw new Error('flush failed');
    };
    await host.close();
    assert.ok(log.lines.some((line) => /warn: .*closing the cache failed: flush failed/.test(line)));
    assert.equal(host.state.phase, 'closed');
  });

  it('says the engine was never started when asked before start', async () => {
    const host = newHost();
    await assert.rejects(host.engine(), /not been started/);
  });
});

describe('CacheSnapshots', () => {
  it('reads one report per change and tells every listener, with a failed tier shown as down', async () => {
    const timers = new ManualClock();
    const fake = fakeEngine({
      openings: [
        { tier: 'memory', status: 'up', detail: 'in process' },
        { tier: 'redis', status: 'off', detail: 'no url' },
        { tier: 'surreal', status: 'failed', detail: 'lock held by another process' },
      ],
    });
    fake.currentReport = report({ layers: { result: { hits: 3, misses: 1, hitRate: 0.75 } } });
    const host = new EngineHost({
      logger: recordingLogger(),
      secrets: async () => ({}),
      workflows: NO_WORKFLOWS,
      timers,
      open: async () => fake.engine,
    });
    const snapshots = new CacheSnapshots(host, recordingLogger(), () => 42);
    const seen: unknown[] = [];
    snapshots.events.on('snapshot', (snapshot) => seen.push(snapshot));

    await host.start(DEFAULT_CONFIG);
    await snapshots.refresh();

    const latest = snapshots.latest;
    assert.ok(latest);
    assert.equal(latest.takenAt, 42);
    assert.equal(latest.report.layers.result.hits, 3);
    assert.deepEqual(latest.health.surreal, { status: 'down', detail: 'lock held by another process' });
    assert.deepEqual(latest.health.redis, { status: 'off', detail: 'no url' });
    assert.equal(latest.health.memory.status, 'up');
    assert.ok(seen.length >= 1);
    snapshots.dispose();
  });

  it('keeps the last good reading when the report fails, and has none before the engine opens', async () => {
    const fake = fakeEngine();
    let fail = false;
    fake.engine.cache.report = async () => {
      if (fail) throw new Error('closed');
      return report();
    };
    const host = new EngineHost({
      logger: recordingLogger(),
      secrets: async () => ({}),
      workflows: NO_WORKFLOWS,
      timers: new ManualClock(),
      open: async () => fake.engine,
    });
    const snapshots = new CacheSnapshots(host, recordingLogger());
    assert.equal(await snapshots.take(), undefined);
    await host.start(DEFAULT_CONFIG);
    await snapshots.refresh();
    const good = snapshots.latest;
    fail = true;
    assert.equal(await snapshots.take(), good);
    snapshots.dispose();
  });
});
