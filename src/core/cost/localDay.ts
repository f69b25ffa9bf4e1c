/** The local calendar day of a timestamp, YYYY-MM-DD in the machine's time zone: a budget's "today". */
export function localDayOf(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
