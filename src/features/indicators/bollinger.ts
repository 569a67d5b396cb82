import { checkRealParam, requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { RollingMoments } from "./rollingMoments";

export interface BollingerBands<T> {
  upper: T;
  middle: T;
  lower: T;
  /** (upper − lower) / middle. */
  width: T;
  /** (close − lower) / (upper − lower); NaN when the bands coincide (a constant window). */
  percentB: T;
}

/**
 * Bollinger bands as TA-Lib BBANDS with an SMA middle: middle = SMA(close, period), bands =
 * middle ± multiplier · population standard deviation (ddof 0) of the same window.
 * Warm-up: period − 1 NaNs. NaN rule: every window containing a NaN close is NaN.
 *
 * The batch loop is RollingMoments' scheme written out over the input array (it is one of the
 * benchmarked indicators): sums of x − anchor, the anchor moved to the window mean and the sums
 * rebuilt every `period` bars; a NaN restarts the window, which is exactly "NaN for every window
 * containing it".
 */
export function bollinger(close: Float64Array, period = 20, multiplier = 2): BollingerBands<Float64Array> {
  checkPeriod("bollinger", "period", period, 2);
  checkRealParam("bollinger", "multiplier", multiplier, 0, 100);
  const n = close.length;
  requireBars("bollinger", n, period - 1, `period=${period}`);
  const upper = new Float64Array(n);
  const middle = new Float64Array(n);
  const lower = new Float64Array(n);
  const width = new Float64Array(n);
  const percentB = new Float64Array(n);
  const inv = 1 / period;
  let count = 0;
  let sinceRebuild = 0;
  let anchor = 0;
  let s1 = 0;
  let s2 = 0;
  let run = 0;
  let prev = Number.NaN;
  for (let i = 0; i < n; i++) {
    const c = close[i];
    if (Number.isNaN(c)) {
      count = 0;
      upper[i] = middle[i] = lower[i] = width[i] = percentB[i] = Number.NaN;
      continue;
    }
    if (count === 0) {
      anchor = c;
      s1 = s2 = 0;
      sinceRebuild = 0;
      run = 0;
    }
    run = c === prev ? run + 1 : 1;
    prev = c;
    if (count >= period) {
      const y = close[i - period] - anchor;
      s1 -= y;
      s2 -= y * y;
    } else {
      count++;
    }
    const y = c - anchor;
    s1 += y;
    s2 += y * y;
    if (++sinceRebuild >= period && count === period) {
      // Re-anchor on the window mean and recompute (two passes): no drift, no cancellation.
      sinceRebuild = 0;
      let sum = 0;
      for (let j = i - period + 1; j <= i; j++) sum += close[j];
      anchor = sum * inv;
      s1 = s2 = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const d = close[j] - anchor;
        s1 += d;
        s2 += d * d;
      }
    }
    if (count < period) {
      upper[i] = middle[i] = lower[i] = width[i] = percentB[i] = Number.NaN;
      continue;
    }
    const mid = anchor + s1 * inv;
    const m2 = run >= period ? 0 : s2 - s1 * s1 * inv;
    const band = m2 > 0 ? multiplier * Math.sqrt(m2 * inv) : 0;
    const up = mid + band;
    const lo = mid - band;
    upper[i] = up;
    middle[i] = mid;
    lower[i] = lo;
    width[i] = (up - lo) / mid;
    percentB[i] = band > 0 ? (c - lo) / (up - lo) : Number.NaN;
  }
  return { upper, middle, lower, width, percentB };
}

/** Streaming twin of {@link bollinger}. */
export class BollingerStream implements StreamingIndicator<BollingerBands<number>> {
  private readonly multiplier: number;
  private readonly m: RollingMoments;

  constructor(period = 20, multiplier = 2) {
    checkPeriod("bollinger", "period", period, 2);
    checkRealParam("bollinger", "multiplier", multiplier, 0, 100);
    this.multiplier = multiplier;
    this.m = new RollingMoments(period);
  }

  update(bar: OhlcvBar): BollingerBands<number> {
    const c = bar.close;
    const m = this.m;
    m.push(c);
    if (!m.ready) {
      const nan = Number.NaN;
      return { upper: nan, middle: nan, lower: nan, width: nan, percentB: nan };
    }
    const middle = m.mean();
    const band = this.multiplier * Math.sqrt(m.variance(0));
    const upper = middle + band;
    const lower = middle - band;
    return {
      upper,
      middle,
      lower,
      width: (upper - lower) / middle,
      percentB: band > 0 ? (c - lower) / (upper - lower) : Number.NaN,
    };
  }
}
