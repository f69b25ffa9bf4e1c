/** Fallback byte estimate for values that arrive without an encoded size; cheap by design, not exact. */
const OBJECT_ESTIMATE = 256;

export function estimateSize(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  switch (typeof value) {
    case 'string':
      // UTF-16 in the heap.
      return value.length * 2;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
    case 'symbol':
      return 8;
    default:
      // Walking an object graph on every write would cost more than the estimate is worth.
      return value === null ? 8 : OBJECT_ESTIMATE;
  }
}
