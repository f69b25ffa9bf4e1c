/** 0.873 -> "87%" (or "87.3%" with one decimal): a ratio as a percentage, as every adapter writes one. */
export function formatPercent(ratio: number, decimals = 0): string {
  return `${(ratio * 100).toFixed(decimals)}%`;
}
