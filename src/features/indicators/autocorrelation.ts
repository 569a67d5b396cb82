import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { RollingCovariance } from "./_shared/rollingCovariance";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { ofReturns } from "./logReturns";

/**
 * Rolling lag-k autocorrelation: the Pearson correlation of the last `period` pairs
 * (x_t, x_{t−lag}), i.e. pandas `x.rolling(period).corr(x.shift(lag))`; NaN when either side
 * is constant. Warm-up: period + lag − 1 NaNs (plus the input's own). NaN rule: windows whose
 * pairs contain a NaN are NaN.
 */
export function autocorrelation(values: Float64Array, period = 60, lag = 1): Float64Array {
  checkPeriod("autocorrelation", "period", period, 3);
  checkPeriod("autocorrelation", "lag", lag, 1, 10_000);
  const n = values.length;
  requireBars("autocorrelation", n, period + lag - 1, `period=${period}, lag=${lag}`);
  const out = new Float64Array(n);
  const c = new RollingCovariance(period);
  for (let i = 0; i < n; i++) {
    if (i < lag) {
      out[i] = Number.NaN;
      continue;
    }
    c.push(values[i], values[i - lag]);
    out[i] = c.ready ? c.correlation() : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link autocorrelation}: `update` takes the close, `next` any series. */
export class AutocorrelationStream implements StreamingIndicator<number> {
  private readonly c: RollingCovariance;
  private readonly past: Float64Array;
  private head = 0;
  private seen = 0;

  constructor(period = 60, lag = 1) {
    checkPeriod("autocorrelation", "period", period, 3);
    checkPeriod("autocorrelation", "lag", lag, 1, 10_000);
    this.c = new RollingCovariance(period);
    this.past = new Float64Array(lag);
  }

  update(bar: OhlcvBar): number {
    return this.next(bar.close);
  }

  next(x: number): number {
    const lagged = this.past[this.head];
    this.past[this.head] = x;
    this.head = this.head + 1 === this.past.length ? 0 : this.head + 1;
    if (this.seen < this.past.length) {
      this.seen++;
      return Number.NaN;
    }
    this.c.push(x, lagged);
    return this.c.ready ? this.c.correlation() : Number.NaN;
  }
}

export const autocorrelationIndicator: IndicatorDescriptor = ofReturns({
  name: "autocorrelation",
  params: [int("period", 60, 3), int("lag", 1)],
  warmUp: (p) => num(p, "period") + num(p, "lag"),
  catalogId: "autocorrelation_60_1",
  batch: (r, p) => autocorrelation(r, num(p, "period"), num(p, "lag")),
  stream: (p) => new AutocorrelationStream(num(p, "period"), num(p, "lag")),
});
