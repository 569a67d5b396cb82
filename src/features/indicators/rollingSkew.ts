import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { ofReturns } from "./logReturns";

/**
 * Rolling skewness over the last `period` values, bias-corrected exactly as pandas
 * `rolling(period).skew()`: G1 = √(n(n−1))/(n−2) · m3 / m2^{3/2} with m_k the biased central
 * moments; NaN on a constant window. Warm-up: period − 1 NaNs (plus the input's own).
 * NaN rule: windows containing a NaN are NaN.
 */
export function rollingSkew(values: Float64Array, period = 60): Float64Array {
  checkPeriod("rollingSkew", "period", period, 3);
  const n = values.length;
  requireBars("rollingSkew", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period, 4);
  for (let i = 0; i < n; i++) {
    m.push(values[i]);
    out[i] = m.ready ? m.skew() : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link rollingSkew}: `update` takes the close, `next` any series. */
export class RollingSkewStream implements StreamingIndicator<number> {
  private readonly m: RollingMoments;

  constructor(period = 60) {
    checkPeriod("rollingSkew", "period", period, 3);
    this.m = new RollingMoments(period, 4);
  }

  update(bar: OhlcvBar): number {
    return this.next(bar.close);
  }

  next(x: number): number {
    this.m.push(x);
    return this.m.ready ? this.m.skew() : Number.NaN;
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
