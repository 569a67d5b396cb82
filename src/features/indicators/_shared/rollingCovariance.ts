/**
 * Rolling co-moments of the last `period` (x, y) pairs, shared by the beta, correlation,
 * autocorrelation and Roll-spread indicators (batch and streaming alike). Same numerical
 * scheme as `RollingMoments`: sums around anchors near the window means, rebuilt from the
 * window every `period` pushes, so long series do not drift. A pair with a non-finite value
 * (NaN, ±Infinity) on either side stays in the window but out of the sums, and keeps `ready`
 * false while inside.
 */
export class RollingCovariance {
  readonly period: number;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private head = 0;
  private size = 0;
  private nanCount = 0;
  private sinceRebuild = 0;
  private ax = Number.NaN;
  private ay = Number.NaN;
  private n = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private syy = 0;
  private sxy = 0;

  constructor(period: number) {
    this.period = period;
    this.xs = new Float64Array(period);
    this.ys = new Float64Array(period);
  }

  push(x: number, y: number): void {
    const h = this.head;
    if (this.size === this.period) {
      const ox = this.xs[h];
      const oy = this.ys[h];
      if (!Number.isFinite(ox) || !Number.isFinite(oy)) this.nanCount--;
      else this.accumulate(ox, oy, -1);
    } else {
      this.size++;
    }
    this.xs[h] = x;
    this.ys[h] = y;
    this.head = h + 1 === this.period ? 0 : h + 1;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      this.nanCount++;
    } else {
      if (Number.isNaN(this.ax)) {
        this.ax = x;
        this.ay = y;
      }
      this.accumulate(x, y, 1);
    }
    if (++this.sinceRebuild >= this.period) this.rebuild();
  }

  /** Full window without NaN. */
  get ready(): boolean {
    return this.size === this.period && this.nanCount === 0;
  }

  /** Σ(x − x̄)(y − ȳ). */
  private cxy(): number {
    return this.sxy - (this.sx * this.sy) / this.n;
  }

  private cxx(): number {
    const c = this.sxx - (this.sx * this.sx) / this.n;
    return Math.max(c, 0);
  }

  private cyy(): number {
    const c = this.syy - (this.sy * this.sy) / this.n;
    return Math.max(c, 0);
  }

  covariance(ddof: number): number {
    return this.cxy() / (this.n - ddof);
  }

  /** Pearson correlation; NaN when either side is constant over the window. */
  correlation(): number {
    const d = Math.sqrt(this.cxx() * this.cyy());
    return d > 0 ? this.cxy() / d : Number.NaN;
  }

  /** OLS slope of x on y (cov / var y); NaN when y is constant over the window. */
  slope(): number {
    const v = this.cyy();
    return v > 0 ? this.cxy() / v : Number.NaN;
  }

  private accumulate(x: number, y: number, sign: number): void {
    const dx = x - this.ax;
    const dy = y - this.ay;
    this.n += sign;
    this.sx += sign * dx;
    this.sy += sign * dy;
    this.sxx += sign * dx * dx;
    this.syy += sign * dy * dy;
    this.sxy += sign * dx * dy;
  }

  private rebuild(): void {
    this.sinceRebuild = 0;
    let n = 0;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < this.size; i++) {
      const x = this.xs[i];
      const y = this.ys[i];
      if (Number.isFinite(x) && Number.isFinite(y)) {
        n++;
        sx += x;
        sy += y;
      }
    }
    if (n > 0) {
      this.ax = sx / n;
      this.ay = sy / n;
    }
    this.n = 0;
    this.sx = 0;
    this.sy = 0;
    this.sxx = 0;
    this.syy = 0;
    this.sxy = 0;
    for (let i = 0; i < this.size; i++) {
      const x = this.xs[i];
      const y = this.ys[i];
      if (Number.isFinite(x) && Number.isFinite(y)) this.accumulate(x, y, 1);
    }
  }
}
