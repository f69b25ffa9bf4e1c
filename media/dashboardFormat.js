// How the dashboard writes money and picks the dollar axis' ticks. A webview cannot import the extension's
// modules, so this is a copy of the rule of src/core/format/money.ts (formatDollars); test/unit/
// extensionDashboard.test.ts runs this file and checks that both write every amount alike.
// @ts-check
(function (scope) {
  'use strict';

  /**
   * Cents from a dollar up, two significant digits below, "$0.00" for nothing (formatDollars' rule).
   * @param {number} amount
   */
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

  /**
   * Ticks for a dollar axis from `min` (0 or below) to at least `max`: round steps (1, 2, 2.5, 5 times a power
   * of ten), at most `maxTicks` of them, and never two that the money format writes alike (the axis once read
   * "$0.01, $0.01, $0.01"). The last tick is the axis' top.
   * @param {number} min
   * @param {number} max
   * @param {number} [maxTicks]
   * @returns {number[]}
   */
  function dollarTicks(min, max, maxTicks = 5) {
    const low = Math.min(0, Number.isFinite(min) ? min : 0);
    // An empty chart still gets an axis (to a cent); any amount, however small, gets one fitted to it.
    const top = Number.isFinite(max) ? max : 0;
    const high = top > low ? top : low + 0.01;
    const span = high - low;
    let exponent = Math.floor(Math.log10(span / Math.max(1, maxTicks - 1)));
    for (let guard = 0; guard < 40; guard++, exponent++) {
      for (const multiple of [1, 2, 2.5, 5]) {
        const step = multiple * Math.pow(10, exponent);
        const first = Math.floor(low / step + 1e-9);
        const last = Math.ceil(high / step - 1e-9);
        if (last - first + 1 > maxTicks) continue;
        // Computed from integers, so 0.1 + 0.2 dust never reaches a label.
        const ticks = [];
        for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
        const labels = new Set(ticks.map(dollars));
        if (labels.size === ticks.length) return ticks;
      }
    }
    return [low, high];
  }

  scope.claudeCacheFormat = { dollars, dollarTicks };
})(/** @type {any} */ (window));
