import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { CostLedger, parseLedgerSnapshot, type DailyCost } from '../../../../src/core/cost';
import { ManualClock } from '../../../../src/core/clock';
import { formatDollars } from '../../../../src/core/format/money';
import { dailyHistory, projectMonthly } from '../../../../src/extension/dashboard/dailyHistory';
import { createNonce, dashboardHtml } from '../../../../src/extension/dashboard/dashboardHtml';
import { sampleOf, type DashboardSample } from '../../../../src/extension/dashboard/dashboardSample';
import { StatsHistory } from '../../../../src/extension/dashboard/statsHistory';
import { EntryLabels } from '../../../../src/extension/views/entryLabels';
import { snapshot } from '../../../helpers/extensionDoubles';
import { fromRepo } from '../../../helpers/repoRoot';

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
  });
});

const NOW = Date.parse('2026-12-06T15:00:00Z');

function day(date: string, figures: Partial<DailyCost> = {}): DailyCost {
  return { day: date, spentUsd: 0, savedUsd: 0, upstreamCalls: 0, avoidedCalls: 1, ...figures };
}

describe('dailyHistory', () => {
  it('gives the last 30 UTC days up to today, oldest first, zeros for days without calls', () => {
    const points = dailyHistory([day('2026-12-01', { spentUsd: 0.5, upstreamCalls: 2, avoidedCalls: 0 })], NOW);
    assert.equal(points.length, 30);
    assert.equal(points[0]?.day, '2026-11-07');
    assert.equal(points[29]?.day, '2026-12-06');
    const first = points.find((point) => point.day === '2026-12-01');
    assert.deepEqual([first?.spentUsd, first?.upstreamCalls], [0.5, 2]);
    assert.equal(points.filter((point) => point.spentUsd > 0).length, 1);
  });

  it('keeps saved dollars apart by source, and an older day without sources as unattributed', () => {
    const points = dailyHistory(
      [
        day('2026-12-05', { savedUsd: 0.3, savedByLocalHitsUsd: 0.2, savedByProviderCacheUsd: 0.1 }),
        day('2026-12-04', { savedUsd: 0.7 }),
      ],
      NOW,
    );
    const split = points.find((point) => point.day === '2026-12-05');
    assert.deepEqual([split?.savedByLocalHitsUsd, split?.savedByProviderCacheUsd, split?.savedUnattributedUsd], [0.2, 0.1, 0]);
    const old = points.find((point) => point.day === '2026-12-04');
    assert.deepEqual([old?.savedByLocalHitsUsd, old?.savedByProviderCacheUsd, old?.savedUnattributedUsd], [0, 0, 0.7]);
  });

  it('reads the days a ledger saved to disk, by source, as a reloaded window does', () => {
    const clock = new ManualClock(NOW);
    const ledger = new CostLedger({ clock });
    ledger.recordUpstreamCall({
      model: 'claude-sonnet-5-5',
      usage: { inputTokens: 1000, outputTokens: 100, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 5000 },
    });
    ledger.recordAvoidedCall(0.25);
    // What ledger.json holds, read back as a new window reads it.
    const reread = parseLedgerSnapshot(JSON.parse(JSON.stringify(ledger.snapshot())));
    assert.ok(typeof reread !== 'string', String(reread));
    const today = dailyHistory(reread.days, NOW).at(-1);
    assert.equal(today?.savedByLocalHitsUsd, 0.25);
    assert.ok((today?.savedByProviderCacheUsd ?? 0) > 0, 'cache reads saved something');
    assert.equal(today?.savedUnattributedUsd, 0);
    assert.deepEqual([today?.upstreamCalls, today?.avoidedCalls], [1, 1]);
  });
});

describe('projectMonthly (from the daily history)', () => {
  it('extrapolates the complete days since the first call to 30 days, leaving out today', () => {
    const points = dailyHistory(
      [
        day('2026-12-04', { savedUsd: 1, savedByLocalHitsUsd: 1, spentUsd: 0.5 }),
        day('2026-12-05', { savedUsd: 2, savedByLocalHitsUsd: 2, spentUsd: 0.5 }),
        day('2026-12-06', { savedUsd: 100, savedByLocalHitsUsd: 100, spentUsd: 100 }),
      ],
      NOW,
    );
    const projection = projectMonthly(points);
    assert.ok(projection);
    assert.equal(projection.days, 2);
    assert.ok(Math.abs(projection.savedUsd - 45) < 1e-9, String(projection.savedUsd));
    assert.ok(Math.abs(projection.spentUsd - 15) < 1e-9, String(projection.spentUsd));
  });

  it('projects nothing from today alone (minutes of use are a burst, not a rate)', () => {
    assert.equal(projectMonthly(dailyHistory([day('2026-12-06', { spentUsd: 0.03 })], NOW)), undefined);
    assert.equal(projectMonthly(dailyHistory([], NOW)), undefined);
  });
});

/** media/dashboardFormat.js as the webview runs it. */
function webviewFormat(): { dollars(amount: number): string; dollarTicks(min: number, max: number, maxTicks?: number): number[] } {
  const window: Record<string, unknown> = {};
  runInNewContext(readFileSync(fromRepo('media', 'dashboardFormat.js'), 'utf8'), { window });
  return window.claudeCacheFormat as ReturnType<typeof webviewFormat>;
}

describe("the dashboard's money format (media/dashboardFormat.js)", () => {
  const format = webviewFormat();

  it('writes every amount as formatDollars does', () => {
    const amounts = [0, 1e-7, 0.000123, 0.0049, 0.00999, 0.01, 0.0349, 0.05, 0.099, 0.5, 0.995, 0.999, 1, 1.005, 12.345, 1234.5, 1e6, -0.0049, -2.5];
    for (let exponent = -6; exponent <= 4; exponent++) {
      for (const mantissa of [1, 1.5, 2.25, 3.333, 9.96]) amounts.push(mantissa * 10 ** exponent);
    }
    for (const amount of [...amounts, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.equal(format.dollars(amount), formatDollars(amount), `amount ${amount}`);
    }
  });

  it('labels a dollar axis with distinct values from the same format, from zero to at least the top', () => {
    for (const max of [0, 0.0004, 0.003, 0.0123, 0.03, 0.049, 0.1, 0.74, 1, 3.2, 47, 1234]) {
      const ticks = format.dollarTicks(0, max);
      const labels = ticks.map((tick) => format.dollars(tick));
      assert.equal(new Set(labels).size, labels.length, `max ${max}: ${labels.join(', ')}`);
      assert.ok(ticks.length >= 2 && ticks.length <= 5, `max ${max}: ${labels.join(', ')}`);
      assert.equal(ticks[0], 0);
      assert.ok((ticks.at(-1) ?? 0) >= max, `max ${max}: top ${ticks.at(-1)}`);
      for (const tick of ticks) assert.equal(format.dollars(tick), formatDollars(tick));
    }
  });

  it('reaches below zero for a day whose provider-cache writes cost more than they saved', () => {
    const ticks = format.dollarTicks(-0.002, 0.01);
    assert.ok((ticks[0] ?? 0) <= -0.002, ticks.join(', '));
    assert.ok(ticks.includes(0), 'zero is a tick');
  });
});

describe('EntryLabels for prewarm runs', () => {
  it('names the entries a prewarm wrote by workflow and workspace-relative file, not by hash', () => {
    const saved = new Map<string, unknown>();
    const labels = new EntryLabels({ get: (key) => saved.get(key), update: async (key, value) => void saved.set(key, value) });
    const steps = [{ layer: 'result' as const, key: 'write-tests:k1:aa', source: 'upstream' }];
    labels.recordPrewarm('/ws', [
      { item: { workflow: 'write-tests', file: '/ws/src/example.ts' }, result: { steps } as never },
      { item: { workflow: 'review-file', file: 'src/b.ts' }, error: new Error('refused') },
    ]);
    assert.deepEqual(new EntryLabels({ get: (key) => saved.get(key), update: async () => undefined }).origin('write-tests:k1:aa'), {
      workflow: 'write-tests',
      file: 'src/example.ts',
    });
  });
});

describe('dashboardHtml', () => {
  const html = dashboardHtml({
    cspSource: 'https://webview.example',
    scriptUri: 'https://webview.example/media/dashboard.js',
    formatScriptUri: 'https://webview.example/media/dashboardFormat.js',
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

  it('loads the money format, then its own script, both carrying the nonce, and nothing remote beyond the webview origin', () => {
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [
      '<script nonce="abc123" src="https://webview.example/media/dashboardFormat.js">',
      '<script nonce="abc123" src="https://webview.example/media/dashboard.js">',
    ]);
    const urls = html.match(/https?:\/\/[^"' ;)]+/g) ?? [];
    assert.ok(urls.length > 0);
    assert.ok(urls.every((url) => url.startsWith('https://webview.example')), urls.join(', '));
    assert.doesNotMatch(html, /\sstyle="/, 'no inline styles');
  });

  it('has a canvas per chart, and a table of the daily history', () => {
    assert.match(html, /<table id="daily-table"/);
    for (const id of ['chart-daily', 'chart-hit-rate', 'chart-latency']) assert.match(html, new RegExp(`<canvas id="${id}"`));
  });

  it('makes a different nonce every time', () => {
    assert.notEqual(createNonce(), createNonce());
    assert.match(createNonce(), /^[A-Za-z0-9+/]{22}==$/);
  });
});
