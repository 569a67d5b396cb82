/**
 * Percentile rank of x_t among all finite values up to and including t, as pandas
 * `expanding(minPeriods).rank(pct=True)` (ties get their average rank): (below + (equal + 1)/2)
 * / count. Values are mapped to their rank among the distinct values of the input only to
 * index a Fenwick tree; the counts at t come from values ≤ t alone, so later values never
 * change an earlier result. O(n log n).
 */
export function expandingPercentile(values: Float64Array, minPeriods = 1): Float64Array {
  const n = values.length;
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  const distinct: number[] = [];
  for (let i = 0; i < finite.length; i++) if (i === 0 || finite[i] !== finite[i - 1]) distinct.push(finite[i]);
  const m = distinct.length;
  const tree = new Float64Array(m + 1);
  const indexOf = (x: number) => {
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (distinct[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const prefix = (k: number) => {
    let s = 0;
    for (; k > 0; k -= k & -k) s += tree[k];
    return s;
  };
  const out = new Float64Array(n).fill(Number.NaN);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) continue;
    const k = indexOf(x);
    for (let j = k; j <= m; j += j & -j) tree[j]++;
    count++;
    if (count < minPeriods) continue;
    const below = prefix(k - 1);
    const equal = prefix(k) - below;
    out[i] = (below + (equal + 1) / 2) / count;
  }
  return out;
}

/**
 * The streaming twin of {@link expandingPercentile}: `next(x)` gives the batch's value at x's
 * index over the values fed so far (a sorted array: O(n) per value, fine for a daily series).
 */
export class ExpandingPercentileStream {
  private readonly sorted: number[] = [];

  constructor(private readonly minPeriods = 1) {}

  private bound(x: number, strict: boolean): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < x || (!strict && this.sorted[mid] === x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  next(x: number): number {
    if (!Number.isFinite(x)) return Number.NaN;
    const below = this.bound(x, true);
    this.sorted.splice(below, 0, x);
    const count = this.sorted.length;
    if (count < this.minPeriods) return Number.NaN;
    const equal = this.bound(x, false) - below;
    return (below + (equal + 1) / 2) / count;
  }
}
