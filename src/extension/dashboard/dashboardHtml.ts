import { randomBytes } from 'node:crypto';

export interface DashboardHtmlOptions {
  /** webview.cspSource: the only origin scripts and styles may come from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** A fresh random value per page; the one script tag carries it. */
  nonce?: string;
}

/** A nonce for a Content-Security-Policy: 128 random bits, base64. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The dashboard page: no inline script or style, no remote content. Everything it draws comes from
 * media/dashboard.js, which renders the samples the extension posts.
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
<section class="charts">
  <figure>
    <figcaption>Hit rate per layer</figcaption>
    <canvas id="chart-hit-rate" height="180" aria-label="Hit rate per layer over time"></canvas>
    <div class="legend" id="legend-hit-rate"></div>
  </figure>
  <figure>
    <figcaption>Dollars: saved by local hits, saved by provider cache, spent</figcaption>
    <canvas id="chart-dollars" height="180" aria-label="Dollars saved and spent over time"></canvas>
    <div class="legend" id="legend-dollars"></div>
  </figure>
  <figure>
    <figcaption>Tier latency, p50 (solid) and p99 (dashed)</figcaption>
    <canvas id="chart-latency" height="180" aria-label="Tier latencies over time"></canvas>
    <div class="legend" id="legend-latency"></div>
  </figure>
</section>
<p class="empty" id="empty">No samples yet: run a workflow and the charts fill in.</p>
<script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
