import { seededRandom } from './random';

/**
 * Draws ranks 0..n-1 with P(rank k) proportional to 1 / (k + 1)^s, by binary search over a precomputed CDF.
 * Rank 0 is the hottest key; s = 0 would be uniform, larger s concentrates traffic on fewer keys.
 */
export class ZipfSampler {
  private readonly cdf: Float64Array;
  private readonly random: () => number;

  constructor(
    readonly n: number,
    readonly s: number,
    seed: number,
  ) {
    this.cdf = new Float64Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      total += 1 / Math.pow(k + 1, s);
      this.cdf[k] = total;
    }
    for (let k = 0; k < n; k++) this.cdf[k] = (this.cdf[k] as number) / total;
    this.random = seededRandom(seed);
  }

  next(): number {
    const u = this.random();
    let low = 0;
    let high = this.n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cdf[mid] as number) < u) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** `count` draws, made before any timing starts. */
  sequence(count: number): Int32Array {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.next();
    return out;
  }
}
