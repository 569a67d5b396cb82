/**
 * Median of the last `window` values including x_t (NaN until `window` values are in, and
 * for any window holding a NaN). The window is kept sorted: insert/remove are a binary search
 * and a memmove.
 */
export function rollingMedian(values: Float64Array, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`rollingMedian: window must be an integer >= 1, got ${window}`);
  }
  const n = values.length;
  const sorted = new Float64Array(window);
  let len = 0;
  const bound = (x: number) => {
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const out = new Float64Array(n).fill(Number.NaN);
  let lastNaN = -1;
  for (let i = 0; i < n; i++) {
    if (i >= window) {
      const old = values[i - window];
      if (!Number.isNaN(old)) {
        const at = bound(old);
        sorted.copyWithin(at, at + 1, len);
        len--;
      }
    }
    const x = values[i];
    if (Number.isNaN(x)) lastNaN = i;
    else {
      const at = bound(x);
      sorted.copyWithin(at + 1, at, len);
      sorted[at] = x;
      len++;
    }
    if (i - lastNaN >= window) {
      const h = window >>> 1;
      out[i] = window % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
    }
  }
  return out;
}

/** The streaming twin of {@link rollingMedian}: `next(x)` gives the batch's value at x's index. */
export class RollingMedianStream {
  private readonly ring: Float64Array;
  private readonly sorted: number[] = [];
  private i = 0;
  private lastNaN = -1;

  constructor(private readonly window: number) {
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(`RollingMedianStream: window must be an integer >= 1, got ${window}`);
    }
    this.ring = new Float64Array(window);
  }

  private bound(x: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  next(x: number): number {
    const { window, sorted } = this;
    const slot = this.i % window;
    if (this.i >= window && !Number.isNaN(this.ring[slot])) sorted.splice(this.bound(this.ring[slot]), 1);
    this.ring[slot] = x;
    if (Number.isNaN(x)) this.lastNaN = this.i;
    else sorted.splice(this.bound(x), 0, x);
    const full = this.i - this.lastNaN >= window;
    this.i++;
    if (!full) return Number.NaN;
    const h = window >>> 1;
    return window % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
  }
}
