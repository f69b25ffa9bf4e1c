/** Durations in seconds, for the ranges and defaults of time settings. */
export const HOUR = 3600;
export const DAY = 24 * HOUR;
export const YEAR = 365 * DAY;
