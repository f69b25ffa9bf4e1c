import type { Dollars } from '../cost';

/**
 * The one way money is written, in the editor and in the terminal alike: cents for a dollar and over
 * ("$1,234.50"), two significant digits below a dollar so a cheap call never reads as free or as a rounded
 * cent ("$0.0049", "$0.035", "$0.12"), "$0.00" for nothing and "unknown" for a model without a price.
 */
export function formatDollars(amount: Dollars): string {
  if (amount === 'unknown' || !Number.isFinite(amount)) return 'unknown';
  const sign = amount < 0 ? '-' : '';
  const value = Math.abs(amount);
  if (value === 0) return '$0.00';
  if (value >= 1) return `${sign}$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  // Two significant digits, never fewer than two decimals: 0.5 -> "0.50", 0.0349 -> "0.035".
  const decimals = Math.max(2, 1 - Math.floor(Math.log10(value)));
  const rounded = Number(value.toFixed(decimals));
  if (rounded >= 1) return `${sign}$1.00`;
  return `${sign}$${rounded.toFixed(decimals)}`;
}
