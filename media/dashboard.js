// The dashboard page: renders what the extension posts (this window's samples, the ledger's last 30 days).
// No libraries, no remote content; money and dollar ticks come from dashboardFormat.js, loaded before this.
// @ts-check
(function () {
  'use strict';

  // @ts-ignore -- provided by the webview host
  const vscode = acquireVsCodeApi();
  // @ts-ignore -- set by media/dashboardFormat.js
  const { dollars, dollarTicks } = window.claudeCacheFormat;
  const LAYERS = ['prompt', 'module', 'context', 'result'];
  const TIERS = ['memory', 'redis', 'surreal'];
  const TIER_LABELS = { memory: 'Memory', redis: 'Redis', surreal: 'SurrealDB' };
  const MAX_SAMPLES = 720;

  // What the page was last sent, kept by the webview host while the tab is hidden (getState / setState), so it
  // redraws at once when shown again; the source is cited in src/extension/dashboard/dashboardPanel.ts.
  const saved = vscode.getState() || {};
  /** @type {any[]} */
  let samples = Array.isArray(saved.samples) ? saved.samples : [];
  /** @type {any[] | null} */
  let daily = Array.isArray(saved.daily) ? saved.daily : null;
  /** @type {{ savedUsd: number, spentUsd: number, days: number } | null} */
  let projection = saved.projection || null;

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'history') {
      samples = Array.isArray(message.samples) ? message.samples : [];
    } else if (message.type === 'sample') {
      // The extension's StatsHistory rule: at most two samples per second, and still moving forward.
      const beforeLast = samples[samples.length - 2];
      if (beforeLast && message.sample.t - beforeLast.t < 1000) samples[samples.length - 1] = message.sample;
      else samples.push(message.sample);
      if (samples.length > MAX_SAMPLES) samples.splice(0, samples.length - MAX_SAMPLES);
    } else {
      return;
    }
    daily = Array.isArray(message.daily) ? message.daily : daily;
    projection = message.projection || null;
    vscode.setState({ samples, daily, projection });
    render();
  });

  for (const button of document.querySelectorAll('button[data-command]')) {
    button.addEventListener('click', () => {
      vscode.postMessage({ type: 'command', command: /** @type {HTMLElement} */ (button).dataset.command });
    });
  }
  window.addEventListener('resize', () => render());
  render();
  vscode.postMessage({ type: 'ready' });

  function render() {
    const latest = samples[samples.length - 1];
    byId('empty').classList.toggle('hidden', Boolean(latest));
    renderTotals(latest);
    renderTiers(latest);
    renderDaily();
    renderCharts();
  }

  function renderTotals(latest) {
    const totals = byId('totals');
    totals.textContent = '';
    if (latest) {
      const lookups = latest.hits + latest.misses;
      card(totals, 'Hit rate, all layers (this window)', lookups ? percent(latest.hits / lookups) : '–', `${latest.hits} hits · ${latest.misses} misses`);
    }
    if (daily && daily.length) {
      const today = daily[daily.length - 1];
      card(totals, 'Saved (today, UTC)', dollars(savedOf(today)), `${dollars(today.spentUsd)} spent · ${today.avoidedCalls} calls avoided`);
      const month = daily.reduce(
        (sum, day) => ({ saved: sum.saved + savedOf(day), spent: sum.spent + day.spentUsd }),
        { saved: 0, spent: 0 },
      );
      card(totals, 'Saved (last 30 days)', dollars(month.saved), `${dollars(month.spent)} spent`);
    }
    if (latest) {
      const saved = latest.savedByLocalHitsUsd + latest.savedByProviderCacheUsd;
      card(totals, 'Saved (all time)', dollars(saved), `${dollars(latest.savedByLocalHitsUsd)} by local hits · ${dollars(latest.savedByProviderCacheUsd)} by provider cache`);
      card(totals, 'Spent (all time)', dollars(latest.spentUsd), `${latest.upstreamCalls} calls to Claude`);
      card(totals, 'Calls avoided (all time)', String(latest.avoidedCalls), `of ${latest.avoidedCalls + latest.upstreamCalls} calls`);
    }
    if (latest || daily) {
      card(
        totals,
        'Projected per month',
        projection ? `${dollars(projection.savedUsd)} saved` : '–',
        projection
          ? `${dollars(projection.spentUsd)} spent, at the rate of the last ${projection.days} complete day${projection.days === 1 ? '' : 's'}`
          : 'needs a complete day of data',
      );
    }
  }

  function savedOf(day) {
    return day.savedByLocalHitsUsd + day.savedByProviderCacheUsd + day.savedUnattributedUsd;
  }

  /** The last 30 days: a bar chart, and a table of the days with calls (newest first) that says the same in words. */
  function renderDaily() {
    const rows = byId('daily-rows');
    rows.textContent = '';
    const days = daily || [];
    const active = days.filter((day) => day.upstreamCalls + day.avoidedCalls > 0).reverse();
    for (const day of active) {
      const row = document.createElement('tr');
      const cells = [
        day.day,
        dollars(day.spentUsd),
        dollars(day.savedByLocalHitsUsd),
        dollars(day.savedByProviderCacheUsd),
        String(day.upstreamCalls),
        String(day.avoidedCalls),
      ];
      for (const text of cells) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.appendChild(cell);
      }
      if (day.savedUnattributedUsd) row.title = `${dollars(day.savedUnattributedUsd)} saved before the ledger kept the sources apart`;
      rows.appendChild(row);
    }
    byId('daily-table').classList.toggle('hidden', active.length === 0);
    byId('daily-empty').classList.toggle('hidden', active.length > 0);
    drawDaily(days);
  }

  function drawDaily(days) {
    const palette = colors();
    const parts = [
      { label: 'spent', color: palette.red, value: (day) => day.spentUsd, column: 0 },
      { label: 'saved by local hits', color: palette.green, value: (day) => day.savedByLocalHitsUsd, column: 1 },
      { label: 'saved by provider cache', color: palette.blue, value: (day) => day.savedByProviderCacheUsd, column: 1 },
      { label: 'saved, source not recorded', color: palette.gray, value: (day) => day.savedUnattributedUsd, column: 1 },
    ];
    const canvas = /** @type {HTMLCanvasElement} */ (byId('chart-daily'));
    const { ctx, width, height } = prepare(canvas, 200);
    if (!ctx) return;
    const pad = { left: 64, right: 12, top: 10, bottom: 22 };
    const plotWidth = width - pad.left - pad.right;
    const plotHeight = height - pad.top - pad.bottom;
    // Each day's spent bar, and its saved bar stacked by source (a negative provider saving hangs below zero).
    let high = 0;
    let low = 0;
    for (const day of days) {
      high = Math.max(high, day.spentUsd);
      let up = 0;
      let down = 0;
      for (const part of parts.slice(1)) {
        const value = part.value(day);
        if (value > 0) up += value;
        else down += value;
      }
      high = Math.max(high, up);
      low = Math.min(low, down);
    }
    const ticks = dollarTicks(low, high);
    const bottom = ticks[0];
    const top = ticks[ticks.length - 1];
    const y = (v) => pad.top + plotHeight - ((v - bottom) / (top - bottom)) * plotHeight;
    axis(ctx, ticks, y, pad, width, dollars);

    const slot = plotWidth / Math.max(1, days.length);
    const bar = Math.max(1, Math.min(12, (slot - 2) / 2));
    days.forEach((day, index) => {
      const left = pad.left + index * slot + (slot - 2 * bar) / 2;
      const stack = { up: 0, down: 0 };
      for (const part of parts) {
        const value = part.value(day);
        if (!value) continue;
        const x = left + part.column * bar;
        const from = part.column === 0 ? 0 : value > 0 ? stack.up : stack.down;
        const to = from + value;
        if (part.column === 1) {
          if (value > 0) stack.up = to;
          else stack.down = to;
        }
        ctx.fillStyle = part.color;
        ctx.fillRect(x, Math.min(y(from), y(to)), bar, Math.max(1, Math.abs(y(to) - y(from))));
      }
    });
    if (days.length) {
      ctx.fillStyle = cssVar('--vscode-foreground', '#ccc');
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      ctx.fillText(days[0].day, pad.left, height - pad.bottom + 6);
      ctx.textAlign = 'right';
      ctx.fillText(`${days[days.length - 1].day} (today)`, width - pad.right, height - pad.bottom + 6);
    }
    renderLegend('daily', parts.filter((part) => part.label !== 'saved, source not recorded' || days.some((day) => day.savedUnattributedUsd)));
  }

  function renderTiers(latest) {
    const tiers = byId('tiers');
    tiers.textContent = '';
    if (!latest) return;
    for (const tier of TIERS) {
      const status = latest.tierStatus[tier];
      const chip = document.createElement('span');
      chip.className = `tier ${status}`;
      chip.textContent = `${TIER_LABELS[tier]}: ${status}`;
      tiers.appendChild(chip);
    }
  }

  function renderCharts() {
    const palette = colors();
    const layerColors = { prompt: palette.blue, module: palette.purple, context: palette.orange, result: palette.green };
    drawChart(
      'hit-rate',
      LAYERS.map((layer) => ({
        label: layer,
        color: layerColors[layer],
        points: samples.map((s) => [s.t, s.hitRate[layer] === null ? null : s.hitRate[layer] * 100]),
      })),
      { fixedMax: 100, format: (v) => `${Math.round(v)}%` },
    );
    const tierColors = { memory: palette.green, redis: palette.red, surreal: palette.purple };
    drawChart(
      'latency',
      TIERS.flatMap((tier) => [
        {
          label: `${TIER_LABELS[tier]} p50`,
          color: tierColors[tier],
          points: samples.map((s) => [s.t, s.latency[tier] ? s.latency[tier].p50Micros / 1000 : null]),
        },
        {
          label: `${TIER_LABELS[tier]} p99`,
          color: tierColors[tier],
          dashed: true,
          points: samples.map((s) => [s.t, s.latency[tier] ? s.latency[tier].p99Micros / 1000 : null]),
        },
      ]),
      { format: (v) => `${v < 10 ? v.toFixed(2) : Math.round(v)} ms` },
    );
  }

  /**
   * @param {string} name
   * @param {{ label: string, color: string, dashed?: boolean, points: Array<[number, number | null]> }[]} series
   * @param {{ fixedMax?: number, format: (value: number) => string }} options
   */
  function drawChart(name, series, options) {
    const canvas = /** @type {HTMLCanvasElement} */ (byId(`chart-${name}`));
    const { ctx, width, height } = prepare(canvas, 180);
    if (!ctx) return;
    const pad = { left: 64, right: 12, top: 10, bottom: 22 };
    const plotWidth = width - pad.left - pad.right;
    const plotHeight = height - pad.top - pad.bottom;

    const values = series.flatMap((s) => s.points.map((p) => p[1]).filter((v) => v !== null));
    const times = samples.map((s) => s.t);
    const maxValue = options.fixedMax ?? niceMax(Math.max(0, ...values));
    const t0 = times.length ? times[0] : 0;
    const t1 = times.length ? times[times.length - 1] : 1;
    const span = Math.max(1, t1 - t0);
    const x = (t) => pad.left + (times.length < 2 ? plotWidth : ((t - t0) / span) * plotWidth);
    const y = (v) => pad.top + plotHeight - (maxValue === 0 ? 0 : (v / maxValue) * plotHeight);
    axis(ctx, [0, 1, 2, 3, 4].map((step) => (maxValue * step) / 4), y, pad, width, options.format);
    const foreground = cssVar('--vscode-foreground', '#ccc');
    ctx.fillStyle = foreground;
    if (times.length) {
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      ctx.fillText(clock(t0), pad.left, height - pad.bottom + 6);
      ctx.textAlign = 'right';
      ctx.fillText(clock(t1), width - pad.right, height - pad.bottom + 6);
    }

    for (const line of series) {
      ctx.strokeStyle = line.color;
      ctx.fillStyle = line.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(line.dashed ? [5, 4] : []);
      ctx.beginPath();
      let drawing = false;
      for (const [t, v] of line.points) {
        if (v === null) {
          drawing = false;
          continue;
        }
        if (drawing) ctx.lineTo(x(t), y(v));
        else ctx.moveTo(x(t), y(v));
        drawing = true;
      }
      ctx.stroke();
      const last = [...line.points].reverse().find((p) => p[1] !== null);
      if (last && last[1] !== null) {
        ctx.beginPath();
        ctx.arc(x(last[0]), y(last[1]), 2.5, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    ctx.setLineDash([]);
    renderLegend(name, series);
  }

  /** Sizes a canvas for the device's pixel ratio and clears it; drawing is then in CSS pixels. */
  function prepare(canvas, height) {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(200, canvas.clientWidth);
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    if (ctx) {
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    }
    return { ctx, width, height };
  }

  /** Horizontal grid lines at `ticks`, each labelled on the left. */
  function axis(ctx, ticks, y, pad, width, format) {
    ctx.fillStyle = cssVar('--vscode-foreground', '#ccc');
    ctx.strokeStyle = cssVar('--vscode-editorWidget-border', '#8884');
    ctx.lineWidth = 1;
    ctx.setLineDash([]);
    for (const value of ticks) {
      const gy = Math.round(y(value)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(pad.left, gy);
      ctx.lineTo(width - pad.right, gy);
      ctx.stroke();
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(format(value), pad.left - 6, gy);
    }
  }

  function renderLegend(name, series) {
    const legend = byId(`legend-${name}`);
    legend.textContent = '';
    for (const line of series) {
      const item = document.createElement('span');
      const swatch = document.createElement('span');
      swatch.className = line.dashed ? 'swatch dashed' : 'swatch';
      swatch.style.background = line.color;
      swatch.style.borderColor = line.color;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(line.label));
      legend.appendChild(item);
    }
  }

  function card(parent, label, value, note) {
    const element = document.createElement('div');
    element.className = 'card';
    for (const [className, text] of [['label', label], ['value', value], ['note', note]]) {
      const part = document.createElement('div');
      part.className = className;
      part.textContent = text;
      element.appendChild(part);
    }
    parent.appendChild(element);
  }

  function colors() {
    return {
      blue: cssVar('--vscode-charts-blue', '#3794ff'),
      red: cssVar('--vscode-charts-red', '#f14c4c'),
      green: cssVar('--vscode-charts-green', '#89d185'),
      orange: cssVar('--vscode-charts-orange', '#d18616'),
      purple: cssVar('--vscode-charts-purple', '#b180d7'),
      gray: cssVar('--vscode-descriptionForeground', '#999'),
    };
  }

  function cssVar(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function niceMax(value) {
    if (value <= 0) return 1;
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
    return 10 * magnitude;
  }

  function byId(id) {
    const element = document.getElementById(id);
    if (!element) throw new Error(`missing #${id}`);
    return element;
  }

  function percent(rate) {
    return `${Math.round(rate * 100)}%`;
  }

  function clock(t) {
    return new Date(t).toLocaleTimeString();
  }
})();
