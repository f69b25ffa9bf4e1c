import { randomBytes } from 'node:crypto';

export interface DashboardHtmlOptions {
  /** webview.cspSource: the only origin scripts and styles may come from. */
  cspSource: string;
  scriptUri: string;
  /** media/dashboardFormat.js: the money format and axis ticks, loaded before the script that uses them. */
  formatScriptUri: string;
  styleUri: string;
  /** A fresh random value per page; each script tag carries it. */
  nonce?: string;
}

/** A nonce for a Content-Security-Policy: 128 random bits, base64. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The dashboard page: no inline script or style, no remote content. Everything it draws comes from
 * media/dashboard.js, which renders the samples and the daily history the extension posts. The policy follows
 * https://code.visualstudio.com/api/extension-guides/webview#content-security-policy (seen 2026-12-06):
 * `default-src 'none'`, styles and images from `webview.cspSource` only, scripts by nonce.
 */
export function dashboardHtml(options: DashboardHtmlOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = [
    "default-src 'none'",
    `style-src ${options.cspSource}`,
    `img-src ${options.cspSource} data:`,
    `font-src ${options.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // default-src does not cover these two: without them an injected <base> or <form> could still point away.
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(options.styleUri)}">
<title>Claude Cache Dashboard</title>
</head>
<body>
<header>
  <h1>Claude Prompt Cache</h1>
  <div class="actions">
    <button type="button" data-command="claudeCache.refresh">Refresh</button>
    <button type="button" data-command="claudeCache.resetStats" class="secondary">Reset Statistics</button>
  </div>
</header>
<section class="totals" id="totals" aria-label="Totals"></section>
<section class="tiers" id="tiers" aria-label="Tiers"></section>
<section class="daily" aria-label="Daily history">
  <figure>
    <figcaption>Last 30 days (UTC days, from the ledger on disk: every window and CLI run): spent, and saved by local hits and by the provider cache</figcaption>
    <canvas id="chart-daily" height="200" aria-label="Dollars spent and saved per day over the last 30 days"></canvas>
    <div class="legend" id="legend-daily"></div>
  </figure>
  <table id="daily-table" aria-label="Dollars per day">
    <thead><tr><th>Day (UTC)</th><th>Spent</th><th>Saved by local hits</th><th>Saved by provider cache</th><th>Calls to Claude</th><th>Calls avoided</th></tr></thead>
    <tbody id="daily-rows"></tbody>
  </table>
  <p class="empty" id="daily-empty">No calls in the last 30 days.</p>
</section>
<section class="charts">
  <figure>
    <figcaption>Hit rate per layer (this window)</figcaption>
    <canvas id="chart-hit-rate" height="180" aria-label="Hit rate per layer over time, this window"></canvas>
    <div class="legend" id="legend-hit-rate"></div>
  </figure>
  <figure>
    <figcaption>Tier latency, p50 (solid) and p99 (dashed) (this window)</figcaption>
    <canvas id="chart-latency" height="180" aria-label="Tier latencies over time, this window"></canvas>
    <div class="legend" id="legend-latency"></div>
  </figure>
</section>
<p class="empty" id="empty">No samples in this window yet: run a workflow and the charts fill in.</p>
<script nonce="${nonce}" src="${escapeAttribute(options.formatScriptUri)}"></script>
<script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
