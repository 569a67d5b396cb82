import { RangeVolatilityStream, rangeVolatility } from "./_shared/rangeVolatility";
import type { OhlcvBar } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/** 1 / (4 ln 2): Parkinson's scaling of the squared log range into a variance. */
const SCALE = 1 / (4 * Math.LN2);

/** Parkinson's per-bar term before scaling: ln(H/L)². */
function squaredLogRange(high: number, low: number): number {
  const r = Math.log(high / low);
  return r * r;
}

function termOf(bar: OhlcvBar): number {
  return squaredLogRange(bar.high, bar.low);
}

/**
 * Parkinson (1980) high-low volatility: √(annualization · mean(ln(H/L)²) / (4 ln 2)) over the
 * last `period` bars. Warm-up: period − 1 NaNs. NaN rule: windows containing a NaN high or
 * low are NaN.
 */
export function parkinsonVolatility(
  high: Float64Array,
  low: Float64Array,
  period = 20,
  annualization = 252,
): Float64Array {
  return rangeVolatility(
    { indicator: "parkinsonVolatility", period, annualization, scale: SCALE },
    { high, low },
    (terms) => {
      for (let i = 0; i < terms.length; i++) terms[i] = squaredLogRange(high[i], low[i]);
    },
  );
}

/** Streaming twin of {@link parkinsonVolatility}. */
export class ParkinsonVolatilityStream extends RangeVolatilityStream {
  constructor(period = 20, annualization = 252) {
    super({ indicator: "parkinsonVolatility", period, annualization, scale: SCALE }, termOf);
  }
}

export const parkinsonVolatilityIndicator: IndicatorDescriptor = single({
  name: "volatility_parkinson",
  family: "volatility",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "volatility_parkinson_20",
  batch: (b, p) => parkinsonVolatility(b.high, b.low, num(p, "period"), 252),
  stream: (p) => new ParkinsonVolatilityStream(num(p, "period"), 252),
});
