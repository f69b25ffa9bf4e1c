// The dashboard page: renders the samples the extension posts. No libraries, no remote content.
// @ts-check
(function () {
  'use strict';

  // @ts-ignore -- provided by the webview host
  const vscode = acquireVsCodeApi();
  const LAYERS = ['prompt', 'module', 'context', 'result'];
  const TIERS = ['memory', 'redis', 'surreal'];
  const TIER_LABELS = { memory: 'Memory', redis: 'Redis', surreal: 'SurrealDB' };
  const MAX_SAMPLES = 720;

  /** @type {any[]} */
  let samples = [];
  /** @type {{ savedUsd: number, spentUsd: number, windowMs: number } | null} */
  let projection = null;

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'history') {
      samples = Array.isArray(message.samples) ? message.samples : [];
      projection = message.projection || null;
    } else if (message.type === 'sample') {
      // The extension's StatsHistory rule: at most two samples per second, and still moving forward.
      const beforeLast = samples[samples.length - 2];
      if (beforeLast && message.sample.t - beforeLast.t < 1000) samples[samples.length - 1] = message.sample;
      else samples.push(message.sample);
      if (samples.length > MAX_SAMPLES) samples.splice(0, samples.length - MAX_SAMPLES);
      projection = message.projection || null;
    }
    render();
  });

  for (const button of document.querySelectorAll('button[data-command]')) {
    button.addEventListener('click', () => {
      vscode.postMessage({ type: 'command', command: /** @type {HTMLElement} */ (button).dataset.command });
    });
  }
  window.addEventListener('resize', () => render());
  vscode.postMessage({ type: 'ready' });

  function render() {
    const latest = samples[samples.length - 1];
    byId('empty').classList.toggle('hidden', Boolean(latest));
    renderTotals(latest);
    renderTiers(latest);
    renderCharts();
  }

  function renderTotals(latest) {
    const totals = byId('totals');
    totals.textContent = '';
    if (!latest) return;
    const lookups = latest.hits + latest.misses;
    const saved = latest.savedByLocalHitsUsd + latest.savedByProviderCacheUsd;
    card(totals, 'Hit rate, all layers (this window)', lookups ? percent(latest.hits / lookups) : '–', `${latest.hits} hits · ${latest.misses} misses`);
    card(totals, 'Saved (all time)', dollars(saved), `${dollars(latest.savedByLocalHitsUsd)} by local hits · ${dollars(latest.savedByProviderCacheUsd)} by provider cache`);
    card(totals, 'Spent (all time)', dollars(latest.spentUsd), `${latest.upstreamCalls} calls to Claude`);
    card(totals, 'Calls avoided (all time)', String(latest.avoidedCalls), `of ${latest.avoidedCalls + latest.upstreamCalls} calls`);
    card(
      totals,
      'Projected per month',
      projection ? `${dollars(projection.savedUsd)} saved` : '–',
      projection
        ? `${dollars(projection.spentUsd)} spent, at the rate of the last ${duration(projection.windowMs)}`
        : 'needs a day of data',
    );
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
    drawChart(
      'dollars',
      [
        { label: 'saved by local hits', color: palette.green, points: samples.map((s) => [s.t, s.savedByLocalHitsUsd]) },
        { label: 'saved by provider cache', color: palette.blue, points: samples.map((s) => [s.t, s.savedByProviderCacheUsd]) },
        { label: 'spent', color: palette.red, points: samples.map((s) => [s.t, s.spentUsd]) },
      ],
      { format: dollars },
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
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(200, canvas.clientWidth);
    const height = 180;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const foreground = cssVar('--vscode-foreground', '#ccc');
    const grid = cssVar('--vscode-editorWidget-border', '#8884');
    const font = cssVar('--vscode-font-family', 'sans-serif');
    const pad = { left: 58, right: 12, top: 10, bottom: 22 };
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

    ctx.font = `11px ${font}`;
    ctx.fillStyle = foreground;
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    ctx.setLineDash([]);
    for (let step = 0; step <= 4; step++) {
      const value = (maxValue * step) / 4;
      const gy = Math.round(y(value)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(pad.left, gy);
      ctx.lineTo(width - pad.right, gy);
      ctx.stroke();
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(options.format(value), pad.left - 6, gy);
    }
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

  // The rule of src/core/format/money.ts (this script runs in the webview and cannot import it): cents from a
  // dollar up, two significant digits below.
  function dollars(amount) {
    if (!Number.isFinite(amount)) return 'unknown';
    const sign = amount < 0 ? '-' : '';
    const value = Math.abs(amount);
    if (value === 0) return '$0.00';
    if (value >= 1) return `${sign}$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    const decimals = Math.max(2, 1 - Math.floor(Math.log10(value)));
    const rounded = Number(value.toFixed(decimals));
    return rounded >= 1 ? `${sign}$1.00` : `${sign}$${rounded.toFixed(decimals)}`;
  }

  function duration(ms) {
    const minutes = Math.round(ms / 60000);
    if (minutes < 120) return `${minutes} min`;
    return `${Math.round(minutes / 60)} h`;
  }

  function clock(t) {
    return new Date(t).toLocaleTimeString();
  }
})();
