import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { createServer } from 'node:net';
import { DEFAULT_CONFIG, type CacheConfig } from '../../src/core/config';
import type { HostedEngine } from '../../src/core/engine';
import { EngineHost } from '../../src/extension/engine/engineHost';
import { PrometheusEndpoint, type EngineExposition } from '../../src/extension/metrics/prometheusEndpoint';
import { freePort } from '../../tools/common/freePort';
import { fakeEngine, recordingLogger } from '../helpers/extensionDoubles';

function withPort(port: number): CacheConfig {
  return { ...DEFAULT_CONFIG, metrics: { ...DEFAULT_CONFIG.metrics, port } };
}

describe('PrometheusEndpoint (extension: claudeCache.metrics.port)', function () {
  this.timeout(20_000);
  let timers: ManualClock;
  let host: EngineHost<HostedEngine>;
  let endpoint: PrometheusEndpoint<HostedEngine>;
  let warnings: string[];
  let served: HostedEngine[];
  let disposed: number;

  beforeEach(() => {
    timers = new ManualClock();
    warnings = [];
    served = [];
    disposed = 0;
    host = new EngineHost({
      logger: recordingLogger(),
      secrets: async () => ({}),
      workflows: async () => ({ workflows: [], problems: [] }),
      timers,
      throttleMs: 500,
      open: async (options) => {
        const fake = fakeEngine();
        fake.engine.applyConfig(options.config);
        return fake.engine;
      },
    });
    endpoint = new PrometheusEndpoint({
      host,
      logger: recordingLogger(),
      warn: (message) => warnings.push(message),
      metricsFor: (engine): EngineExposition => {
        served.push(engine);
        const index = served.length;
        return { contentType: 'text/plain', body: async () => `engine_${index} 1\n`, dispose: () => (disposed += 1) };
      },
    });
  });

  afterEach(async () => {
    endpoint.dispose();
    await host.close();
  });

  it('serves nothing while the setting is 0 (the default)', async () => {
    await host.start(DEFAULT_CONFIG);
    await endpoint.settled();
    assert.equal(endpoint.url, undefined);
  });

  it("serves the open engine's metrics on the configured port, follows a reopen and stops when the setting goes to 0", async () => {
    const port = await freePort();
    await host.start(withPort(port));
    await endpoint.settled();
    assert.equal(endpoint.url, `http://127.0.0.1:${port}/metrics`);
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), 'engine_1 1\n');

    await host.restart(withPort(port));
    await endpoint.settled();
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), 'engine_2 1\n');
    assert.equal(disposed, 1, "the first engine's metrics were let go");

    await host.applyConfig(withPort(0));
    timers.advance(500);
    await endpoint.settled();
    assert.equal(endpoint.url, undefined);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
  });

  it('warns once when the port is taken, and keeps the extension running', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await host.start(withPort(port));
      await endpoint.settled();
      await host.restart(withPort(port));
      await endpoint.settled();
      assert.equal(endpoint.url, undefined);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /port \d+ on 127\.0\.0\.1 is already in use.*claudeCache\.metrics\.port/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('stops serving when disposed', async () => {
    const port = await freePort();
    await host.start(withPort(port));
    await endpoint.settled();
    endpoint.dispose();
    await endpoint.settled();
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
  });
});
