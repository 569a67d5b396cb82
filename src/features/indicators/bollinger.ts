import { checkRealParam, requireBars } from "./_shared/requireBars";
import { taIsZeroOrNeg } from "./_shared/taIsZero";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, int, real, num } from "./descriptor";
import { multi } from "./_shared/describe";

export interface BollingerBands<T> {
  upper: T;
  middle: T;
  lower: T;
}

/** The two features derived from the bands. */
export interface BollingerPosition<T> {
  /** (upper − lower) / middle. */
  width: T;
  /** (close − lower) / (upper − lower); NaN when the bands coincide (a window flat to 1e-8 variance). */
  percentB: T;
}

/**
 * Bollinger bands as TA-Lib BBANDS with an SMA middle: middle = SMA(close, period), bands =
 * middle ± multiplier · population standard deviation (ddof 0) of the same window.
 * Warm-up: period − 1 NaNs. NaN rule: every window containing a NaN close is NaN.
 * Width and %b come from {@link bollingerPosition} (the catalog entry returns all five), so
 * that code needing only the bands does not pay for two more million-element arrays.
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
      upper[i] = middle[i] = lower[i] = Number.NaN;
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
      upper[i] = middle[i] = lower[i] = Number.NaN;
      continue;
    }
    const mid = anchor + s1 * inv;
    const m2 = run >= period ? 0 : s2 - s1 * s1 * inv;
    const band = bandOf(multiplier, m2 * inv);
    upper[i] = mid + band;
    middle[i] = mid;
    lower[i] = mid - band;
  }
  return { upper, middle, lower };
}

/**
 * multiplier · σ, with TA-Lib's BBANDS guard: a population variance below 1e-8
 * (TA_IS_ZERO_OR_NEG) gives σ = 0, so a window flat to within rounding has coinciding bands.
 */
function bandOf(multiplier: number, variance: number): number {
  return taIsZeroOrNeg(variance) ? 0 : multiplier * Math.sqrt(variance);
}

function widthOf(upper: number, middle: number, lower: number): number {
  return (upper - lower) / middle;
}

function percentBOf(close: number, upper: number, lower: number): number {
  return upper > lower ? (close - lower) / (upper - lower) : Number.NaN;
}

/** Band width and %b of `close` against bands computed by {@link bollinger} on it. */
export function bollingerPosition(
  close: Float64Array,
  bands: BollingerBands<Float64Array>,
): BollingerPosition<Float64Array> {
  const n = checkSameLength("bollinger", { close, upper: bands.upper, middle: bands.middle, lower: bands.lower });
  const width = new Float64Array(n);
  const percentB = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const up = bands.upper[i];
    const lo = bands.lower[i];
    width[i] = widthOf(up, bands.middle[i], lo);
    percentB[i] = percentBOf(close[i], up, lo);
  }
  return { width, percentB };
}

/** Streaming twin of {@link bollinger} and {@link bollingerPosition}: all five values per bar. */
export class BollingerStream implements StreamingIndicator<BollingerBands<number> & BollingerPosition<number>> {
  private readonly multiplier: number;
  private readonly m: RollingMoments;

  constructor(period = 20, multiplier = 2) {
    checkPeriod("bollinger", "period", period, 2);
    checkRealParam("bollinger", "multiplier", multiplier, 0, 100);
    this.multiplier = multiplier;
    this.m = new RollingMoments(period);
  }

  update(bar: OhlcvBar): BollingerBands<number> & BollingerPosition<number> {
    const c = bar.close;
    const m = this.m;
    m.push(c);
    if (!m.ready) {
      const nan = Number.NaN;
      return { upper: nan, middle: nan, lower: nan, width: nan, percentB: nan };
    }
    const middle = m.mean();
    const band = bandOf(this.multiplier, m.variance(0));
    const upper = middle + band;
    const lower = middle - band;
    return { upper, middle, lower, width: widthOf(upper, middle, lower), percentB: percentBOf(c, upper, lower) };
  }
}

export const bollingerIndicator: IndicatorDescriptor = multi({
  name: "bollinger",
  family: "volatility",
  params: [int("period", 20, 2), real("multiplier", 2, 0, 100)],
  outputs: ["upper", "middle", "lower", "width", "percentB"],
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "bollinger_20_2",
  batch: (b, p) => {
    const bands = bollinger(b.close, num(p, "period"), num(p, "multiplier"));
    return { ...bands, ...bollingerPosition(b.close, bands) };
  },
  stream: (p) => new BollingerStream(num(p, "period"), num(p, "multiplier")),
});
