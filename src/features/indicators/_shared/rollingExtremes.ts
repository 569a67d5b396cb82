/**
 * Rolling highest / lowest value over the last `period` values, the way TA-Lib tracks them:
 * remember where the extreme is and rescan the window only when it drops out. Ties go to the
 * latest bar (Aroon counts bars since the latest extreme). Shared by Stochastic, Williams %R,
 * Ichimoku, Aroon, Donchian and anything else that needs a rolling extreme.
 */

/** out[i] = max(src[i-period+1 .. i]) for i in [start+period-1, end); other indices untouched. */
export function rollingMaxRun(src: Float64Array, start: number, end: number, period: number, out: Float64Array): void {
  let hiIdx = -1;
  let hi = 0;
  for (let i = start + period - 1, trailing = start; i < end; i++, trailing++) {
    const v = src[i];
    if (hiIdx < trailing) {
      hiIdx = trailing;
      hi = src[trailing];
      for (let j = trailing + 1; j <= i; j++) {
        if (src[j] >= hi) {
          hi = src[j];
          hiIdx = j;
        }
      }
    } else if (v >= hi) {
      hi = v;
      hiIdx = i;
    }
    out[i] = hi;
  }
}

/** out[i] = min(src[i-period+1 .. i]) for i in [start+period-1, end); other indices untouched. */
export function rollingMinRun(src: Float64Array, start: number, end: number, period: number, out: Float64Array): void {
  let loIdx = -1;
  let lo = 0;
  for (let i = start + period - 1, trailing = start; i < end; i++, trailing++) {
    const v = src[i];
    if (loIdx < trailing) {
      loIdx = trailing;
      lo = src[trailing];
      for (let j = trailing + 1; j <= i; j++) {
        if (src[j] <= lo) {
          lo = src[j];
          loIdx = j;
        }
      }
    } else if (v <= lo) {
      lo = v;
      loIdx = i;
    }
    out[i] = lo;
  }
}

/**
 * Streaming rolling extreme over the last `period` values. `push` returns the extreme of the
 * window once it is full (NaN before); `index` is the running position (0-based) of that
 * extreme, latest bar on ties.
 */
export class RollingExtreme {
  private readonly buf: Float64Array;
  private count = 0;
  private best = 0;
  /** Position (0-based count of pushes) of the current extreme. */
  index = -1;

  constructor(
    private readonly period: number,
    private readonly isMax: boolean,
  ) {
    this.buf = new Float64Array(period);
  }

  push(v: number): number {
    const p = this.period;
    const t = this.count++;
    this.buf[t % p] = v;
    const trailing = t - p + 1;
    if (this.index < trailing || this.index < 0) {
      const from = Math.max(0, trailing);
      this.index = from;
      this.best = this.buf[from % p];
      for (let j = from + 1; j <= t; j++) {
        const x = this.buf[j % p];
        if (this.isMax ? x >= this.best : x <= this.best) {
          this.best = x;
          this.index = j;
        }
      }
    } else if (this.isMax ? v >= this.best : v <= this.best) {
      this.best = v;
      this.index = t;
    }
    return trailing >= 0 ? this.best : Number.NaN;
  }

  reset(): void {
    this.count = 0;
    this.index = -1;
    this.best = 0;
  }
}
