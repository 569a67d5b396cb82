import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { ofReturns } from "./logReturns";

/**
 * Rolling excess kurtosis over the last `period` values, bias-corrected exactly as pandas
 * `rolling(period).kurt()`: G2 = ((n²−1)·m4/m2² − 3(n−1)²) / ((n−2)(n−3)) with m_k the biased
 * central moments (0 for a normal sample on average); NaN on a constant window.
 * Warm-up: period − 1 NaNs (plus the input's own). NaN rule: windows containing a NaN are NaN.
 */
export function rollingKurtosis(values: Float64Array, period = 60): Float64Array {
  checkPeriod("rollingKurtosis", "period", period, 4);
  const n = values.length;
  requireBars("rollingKurtosis", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period, 4);
  for (let i = 0; i < n; i++) {
    m.push(values[i]);
    out[i] = m.ready ? m.kurtosis() : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link rollingKurtosis}: `update` takes the close, `next` any series. */
export class RollingKurtosisStream implements StreamingIndicator<number> {
  private readonly m: RollingMoments;

  constructor(period = 60) {
    checkPeriod("rollingKurtosis", "period", period, 4);
    this.m = new RollingMoments(period, 4);
  }

  update(bar: OhlcvBar): number {
    return this.next(bar.close);
  }

  next(x: number): number {
    this.m.push(x);
    return this.m.ready ? this.m.kurtosis() : Number.NaN;
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
