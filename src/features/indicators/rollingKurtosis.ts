import { RollingShapeStream, rollingShape } from "./_shared/rollingShape";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { ofReturns } from "./logReturns";

/**
 * Rolling excess kurtosis over the last `period` values, bias-corrected exactly as pandas
 * `rolling(period).kurt()`: G2 = ((n²−1)·m4/m2² − 3(n−1)²) / ((n−2)(n−3)) with m_k the biased
 * central moments (0 for a normal sample on average); NaN on a constant window.
 * Warm-up: period − 1 NaNs (plus the input's own). NaN rule: windows containing a NaN are NaN.
 */
export function rollingKurtosis(values: Float64Array, period = 60): Float64Array {
  return rollingShape("rollingKurtosis", "kurtosis", values, period);
}

/** Streaming twin of {@link rollingKurtosis}: `update` takes the close, `next` any series. */
export class RollingKurtosisStream extends RollingShapeStream {
  constructor(period = 60) {
    super("rollingKurtosis", "kurtosis", period);
  }
}

export const kurtosisIndicator: IndicatorDescriptor = ofReturns({
  name: "kurtosis",
  params: period(60, 4),
  warmUp: (p) => num(p, "period"),
  catalogId: "kurtosis_60",
  batch: (r, p) => rollingKurtosis(r, num(p, "period")),
  stream: (p) => new RollingKurtosisStream(num(p, "period")),
});
