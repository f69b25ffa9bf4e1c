/**
 * A cached value as readable JSON. Values are plain data (msgpackr round-trips them), but may hold bytes,
 * bigints, maps or dates, which JSON.stringify would drop or throw on.
 */
export function entryJson(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item === 'bigint') return item.toString();
      if (item instanceof Uint8Array) return { bytes: item.byteLength };
      if (item instanceof Map) return Object.fromEntries(item);
      if (item instanceof Set) return [...item];
      if (typeof item === 'object' && item !== null) {
        if (seen.has(item)) return '[circular]';
        seen.add(item);
      }
      return item === undefined ? null : item;
    },
    2,
  );
}
