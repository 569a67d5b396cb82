import { checkBarCount } from "./barCount";
import { IndicatorError, type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
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

function checkMultiplier(multiplier: number): void {
  if (!(multiplier > 0 && multiplier <= 100)) {
    throw new IndicatorError("bollinger", `parameter multiplier must be in (0, 100], got ${multiplier}`);
  }
}

/**
 * Bollinger bands as TA-Lib BBANDS with an SMA middle: middle = SMA(close, period), bands =
 * middle ± multiplier · population standard deviation (ddof 0) of the same window.
 * Warm-up: period − 1 NaNs. NaN rule: every window containing a NaN close is NaN.
 */
export function bollinger(close: Float64Array, period = 20, multiplier = 2): BollingerBands<Float64Array> {
  checkPeriod("bollinger", "period", period, 2);
  checkMultiplier(multiplier);
  const n = close.length;
  checkBarCount("bollinger", n, period, `period=${period}`);
  const upper = new Float64Array(n);
  const middle = new Float64Array(n);
  const lower = new Float64Array(n);
  const width = new Float64Array(n);
  const percentB = new Float64Array(n);
  const m = new RollingMoments(period);
  for (let i = 0; i < n; i++) {
    const c = close[i];
    m.push(c);
    if (m.ready) {
      const mid = m.mean();
      const band = multiplier * Math.sqrt(m.variance(0));
      const up = mid + band;
      const lo = mid - band;
      upper[i] = up;
      middle[i] = mid;
      lower[i] = lo;
      width[i] = (up - lo) / mid;
      percentB[i] = band > 0 ? (c - lo) / (up - lo) : Number.NaN;
    } else {
      upper[i] = middle[i] = lower[i] = width[i] = percentB[i] = Number.NaN;
    }
  }
  return { upper, middle, lower, width, percentB };
}

/** Streaming twin of {@link bollinger}. */
export class BollingerStream implements StreamingIndicator<BollingerBands<number>> {
  private readonly multiplier: number;
  private readonly m: RollingMoments;

  constructor(period = 20, multiplier = 2) {
    checkPeriod("bollinger", "period", period, 2);
    checkMultiplier(multiplier);
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
