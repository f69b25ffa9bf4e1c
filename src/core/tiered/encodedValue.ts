/**
 * A shared-tier hit promoted into memory as the bytes it came in, decoded on its first memory hit and kept
 * decoded from then on. The Redis or SurrealDB hit decodes the value it returns anyway, but keeping that
 * decoded copy costs the garbage collector most of a hit: a young answer of a few KB (twice that as a V8
 * string with any non-Latin-1 character in it) is copied once to survive and once more into the old
 * generation, while bytes sit outside the JavaScript heap and are never copied. Only entries read again pay
 * a second decode.
 */
export class EncodedValue {
  /** `bytes` must be the cache's own copy: a view into a socket buffer would keep that whole buffer alive. */
  constructor(readonly bytes: Uint8Array) {}
}
