import assert from 'node:assert/strict';
import { createNonce, dashboardHtml } from '../../src/extension/dashboard/dashboardHtml';
import { sampleOf, type DashboardSample } from '../../src/extension/dashboard/dashboardSample';
import { MIN_PROJECTION_WINDOW_MS, StatsHistory, projectMonthly } from '../../src/extension/dashboard/statsHistory';
import { snapshot } from './extensionTestDoubles';

function sample(t: number, saved: number, spent: number, avoided = 0): DashboardSample {
  return {
    ...sampleOf(snapshot()),
    t,
    savedByLocalHitsUsd: saved,
    savedByProviderCacheUsd: 0,
    spentUsd: spent,
    avoidedCalls: avoided,
  };
}

describe('sampleOf', () => {
  it('takes hit rates per layer, dollars, calls, latencies and tier status from one snapshot', () => {
    const taken = sampleOf(
      snapshot(
        {
          layers: { result: { hits: 3, misses: 1, hitRate: 0.75 } },
          tiers: { memory: { latency: { count: 4, p50Micros: 3, p99Micros: 40, maxMicros: 50 } } },
        },
        {
          takenAt: 5,
          totals: { spentUsd: 1, savedByLocalHitsUsd: 2, savedByProviderCacheUsd: 0.5, upstreamCalls: 1, avoidedCalls: 3 },
          openings: [{ tier: 'surreal', status: 'failed', detail: 'locked' }],
        },
      ),
    );
    assert.equal(taken.t, 5);
    assert.equal(taken.hitRate.result, 0.75);
    assert.equal(taken.hitRate.prompt, null, 'no rate before the first lookup');
    assert.deepEqual([taken.hits, taken.misses], [3, 1]);
    assert.deepEqual(taken.latency.memory, { p50Micros: 3, p99Micros: 40 });
    assert.equal(taken.latency.redis, null);
    assert.equal(taken.tierStatus.surreal, 'down');
    assert.deepEqual(
      [taken.spentUsd, taken.savedByLocalHitsUsd, taken.savedByProviderCacheUsd, taken.upstreamCalls, taken.avoidedCalls],
      [1, 2, 0.5, 1, 3],
    );
  });
});

describe('StatsHistory', () => {
  it('keeps a bounded series, newest last', () => {
    const history = new StatsHistory(3, 0);
    for (let t = 1; t <= 5; t++) history.add(sample(t * 1000, t, 0));
    assert.deepEqual(history.all().map((s) => s.t), [3000, 4000, 5000]);
  });

  it('lets a burst of samples replace each other instead of crowding out the history', () => {
    // At most two samples per gap: the newest replaces the last until it is a full gap after the one before.
    const history = new StatsHistory(10, 1_000);
    history.add(sample(0, 0, 0));
    history.add(sample(100, 1, 0));
    history.add(sample(200, 2, 0));
    assert.deepEqual(history.all().map((s) => [s.t, s.savedByLocalHitsUsd]), [[0, 0], [200, 2]]);
  });

  it('still moves forward under a steady stream of events closer than the gap', () => {
    const history = new StatsHistory(100, 1_000);
    for (let t = 0; t <= 10_000; t += 400) history.add(sample(t, t, 0));
    const times = history.all().map((s) => s.t);
    assert.equal(times[times.length - 1], 10_000);
    assert.ok(times.length >= 10, `kept ${times.length}`);
    for (let i = 2; i < times.length; i++) assert.ok((times[i] as number) - (times[i - 2] as number) >= 1_000);
  });

  it('forgets everything on clear', () => {
    const history = new StatsHistory();
    history.add(sample(0, 0, 0));
    history.clear();
    assert.deepEqual(history.all(), []);
    assert.equal(history.projection(), undefined);
  });
});

describe('projectMonthly', () => {
  it('extrapolates the dollars of the sampled window to 30 days', () => {
    const twoDays = 2 * 86_400_000;
    const projection = projectMonthly([sample(0, 1, 0.5), sample(twoDays, 2, 1)]);
    assert.ok(projection);
    assert.equal(projection.windowMs, twoDays);
    assert.ok(Math.abs(projection.savedUsd - 15) < 1e-9);
    assert.ok(Math.abs(projection.spentUsd - 7.5) < 1e-9);
  });

  it('projects nothing from less than a day of data', () => {
    assert.equal(MIN_PROJECTION_WINDOW_MS, 86_400_000);
    assert.equal(projectMonthly([sample(0, 0, 0), sample(3 * 60_000, 1, 1)]), undefined);
  });

  it('waits for a window long enough to mean something', () => {
    assert.equal(projectMonthly([]), undefined);
    assert.equal(projectMonthly([sample(0, 0, 0), sample(MIN_PROJECTION_WINDOW_MS - 1, 5, 0)]), undefined);
  });

  it('gives no projection across a reset of the ledger', () => {
    assert.equal(projectMonthly([sample(0, 5, 5, 3), sample(10 * MIN_PROJECTION_WINDOW_MS, 0, 0, 0)]), undefined);
  });
});

describe('dashboardHtml', () => {
  const html = dashboardHtml({
    cspSource: 'https://webview.example',
    scriptUri: 'https://webview.example/media/dashboard.js',
    styleUri: 'https://webview.example/media/dashboard.css',
    nonce: 'abc123',
  });

  it('allows only its own script, by nonce, and styles from the webview origin', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.match(csp, /style-src https:\/\/webview\.example(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  it('loads exactly one script, carrying the nonce, and nothing remote beyond the webview origin', () => {
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.deepEqual(scripts, ['<script nonce="abc123" src="https://webview.example/media/dashboard.js">']);
    const urls = html.match(/https?:\/\/[^"' ;)]+/g) ?? [];
    assert.ok(urls.length > 0);
    assert.ok(urls.every((url) => url.startsWith('https://webview.example')), urls.join(', '));
    assert.doesNotMatch(html, /\sstyle="/, 'no inline styles');
  });

  it('has a canvas per chart', () => {
    for (const id of ['chart-hit-rate', 'chart-dollars', 'chart-latency']) assert.match(html, new RegExp(`<canvas id="${id}"`));
  });

  it('makes a different nonce every time', () => {
    assert.notEqual(createNonce(), createNonce());
    assert.match(createNonce(), /^[A-Za-z0-9+/]{22}==$/);
  });
});
