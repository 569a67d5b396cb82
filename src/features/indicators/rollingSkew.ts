import { RollingShapeStream, rollingShape } from "./_shared/rollingShape";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { ofReturns } from "./logReturns";

/**
 * Rolling skewness over the last `period` values, bias-corrected exactly as pandas
 * `rolling(period).skew()`: G1 = √(n(n−1))/(n−2) · m3 / m2^{3/2} with m_k the biased central
 * moments; NaN on a constant window. Warm-up: period − 1 NaNs (plus the input's own).
 * NaN rule: windows containing a NaN are NaN.
 */
export function rollingSkew(values: Float64Array, period = 60): Float64Array {
  return rollingShape("rollingSkew", "skew", values, period);
}

/** Streaming twin of {@link rollingSkew}: `update` takes the close, `next` any series. */
export class RollingSkewStream extends RollingShapeStream {
  constructor(period = 60) {
    super("rollingSkew", "skew", period);
  }
}

export const skewIndicator: IndicatorDescriptor = ofReturns({
  name: "skew",
  params: period(60, 3),
  warmUp: (p) => num(p, "period"),
  catalogId: "skew_60",
  batch: (r, p) => rollingSkew(r, num(p, "period")),
  stream: (p) => new RollingSkewStream(num(p, "period")),
});
