/**
 * Rolling (optionally weighted) power sums of the last `period` values: the engine behind every
 * windowed mean / variance / skew / kurtosis in the volatility, volume and return-statistics
 * indicators, used identically by their batch functions and streaming twins.
 *
 * Why not plain running sums: adding and removing values over a million bars drifts, and
 * Σx² − (Σx)²/n cancels catastrophically when the mean is large against the spread (prices
 * near 600 with a spread of cents). The sums here are taken around an anchor near the window
 * mean and rebuilt from the window (two passes) every `period` pushes, so the error stays at a
 * few ulps of the window's own spread for an amortised cost of one extra pass per window.
 *
 * NaN rule: a non-finite value or weight (NaN, or ±Infinity such as the log return of a zero
 * price) occupies its slot in the window but stays out of the sums; while one is inside the
 * window `ready` is false and callers output NaN. A window whose values
 * are all identical has exactly zero variance (and NaN skew/kurtosis), as in pandas.
 */
export class RollingMoments {
  readonly period: number;
  private readonly order: number;
  private readonly xs: Float64Array;
  private readonly ws: Float64Array | null;
  private head = 0;
  private size = 0;
  private nanCount = 0;
  private sinceRebuild = 0;
  /** Length of the current run of identical consecutive values (detects constant windows). */
  private run = 0;
  private last = Number.NaN;
  private anchor = Number.NaN;
  private w = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private s4 = 0;

  /** `order` 2 keeps Σ and Σ², 4 also Σ³ and Σ⁴; `weighted` stores a weight per value. */
  constructor(period: number, order: 2 | 4 = 2, weighted = false) {
    this.period = period;
    this.order = order;
    this.xs = new Float64Array(period);
    this.ws = weighted ? new Float64Array(period) : null;
  }

  /** Appends `x` (with `weight`, ignored unless weighted), dropping the value that leaves the window. */
  push(x: number, weight = 1): void {
    const ws = this.ws;
    const h = this.head;
    if (this.size === this.period) {
      const ox = this.xs[h];
      const ow = ws === null ? 1 : ws[h];
      if (!Number.isFinite(ox) || !Number.isFinite(ow)) this.nanCount--;
      else this.accumulate(ox, -ow);
    } else {
      this.size++;
    }
    this.xs[h] = x;
    if (ws !== null) ws[h] = weight;
    this.head = h + 1 === this.period ? 0 : h + 1;
    if (!Number.isFinite(x) || !Number.isFinite(weight)) {
      this.nanCount++;
      this.run = 0;
    } else {
      if (Number.isNaN(this.anchor)) this.anchor = x;
      this.accumulate(x, ws === null ? 1 : weight);
      this.run = x === this.last ? this.run + 1 : 1;
    }
    this.last = x;
    if (++this.sinceRebuild >= this.period) this.rebuild();
  }

  /** Full window without NaN. */
  get ready(): boolean {
    return this.size === this.period && this.nanCount === 0;
  }

  /** Sum of weights (the count when unweighted). */
  get weightSum(): number {
    return this.w;
  }

  mean(): number {
    return this.anchor + this.s1 / this.w;
  }

  /** Σ w(x − mean)² / (Σw − ddof), never negative. */
  variance(ddof: number): number {
    if (this.run >= this.size) return 0;
    const m2 = this.s2 - (this.s1 * this.s1) / this.w;
    return m2 > 0 ? m2 / (this.w - ddof) : 0;
  }

  /** Bias-corrected sample skewness (adjusted Fisher–Pearson G1, the pandas `rolling().skew()` convention). */
  skew(): number {
    const n = this.w;
    if (n < 3 || this.run >= this.size) return Number.NaN;
    const d = this.s1 / n;
    const m2 = (this.s2 - d * this.s1) / n;
    const m3 = (this.s3 - 3 * d * this.s2 + 2 * n * d * d * d) / n;
    if (!(m2 > 0)) return Number.NaN;
    return ((Math.sqrt(n * (n - 1)) / (n - 2)) * m3) / (m2 * Math.sqrt(m2));
  }

  /** Bias-corrected excess kurtosis (Fisher G2, the pandas `rolling().kurt()` convention). */
  kurtosis(): number {
    const n = this.w;
    if (n < 4 || this.run >= this.size) return Number.NaN;
    const d = this.s1 / n;
    const d2 = d * d;
    const m2 = (this.s2 - d * this.s1) / n;
    const m4 = (this.s4 - 4 * d * this.s3 + 6 * d2 * this.s2 - 3 * n * d2 * d2) / n;
    if (!(m2 > 0)) return Number.NaN;
    return ((n * n - 1) * (m4 / (m2 * m2)) - 3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3));
  }

  private accumulate(x: number, w: number): void {
    const y = x - this.anchor;
    const wy = w * y;
    const wy2 = wy * y;
    this.w += w;
    this.s1 += wy;
    this.s2 += wy2;
    if (this.order === 4) {
      this.s3 += wy2 * y;
      this.s4 += wy2 * y * y;
    }
  }

  private rebuild(): void {
    this.sinceRebuild = 0;
    const xs = this.xs;
    const ws = this.ws;
    let w = 0;
    let s = 0;
    for (let i = 0; i < this.size; i++) {
      const x = xs[i];
      const wi = ws === null ? 1 : ws[i];
      if (Number.isFinite(x) && Number.isFinite(wi)) {
        w += wi;
        s += wi * x;
      }
    }
    this.anchor = w > 0 ? s / w : this.anchor;
    this.w = 0;
    this.s1 = 0;
    this.s2 = 0;
    this.s3 = 0;
    this.s4 = 0;
    for (let i = 0; i < this.size; i++) {
      const x = xs[i];
      const wi = ws === null ? 1 : ws[i];
      if (Number.isFinite(x) && Number.isFinite(wi)) this.accumulate(x, wi);
    }
  }
}
