import { checkRealParam, requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/**
 * Close-to-close volatility: sample standard deviation (ddof 1) of the last `period` log
 * returns ln(C_t / C_{t−1}), times √annualization. Warm-up: `period` NaNs (the first return
 * needs a previous close). NaN rule: a NaN close spoils the two returns that use it, and every
 * window containing either is NaN.
 */
export function closeToCloseVolatility(close: Float64Array, period = 20, annualization = 252): Float64Array {
  checkPeriod("closeToCloseVolatility", "period", period, 2);
  checkRealParam("closeToCloseVolatility", "annualization", annualization, 0, 1e7);
  const n = close.length;
  requireBars("closeToCloseVolatility", n, period, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period);
  out[0] = Number.NaN;
  for (let i = 1; i < n; i++) {
    m.push(Math.log(close[i] / close[i - 1]));
    out[i] = m.ready ? Math.sqrt(annualization * m.variance(1)) : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link closeToCloseVolatility}. */
export class CloseToCloseVolatilityStream implements StreamingIndicator<number> {
  private readonly annualization: number;
  private readonly m: RollingMoments;
  private prev = Number.NaN;
  private started = false;

  constructor(period = 20, annualization = 252) {
    checkPeriod("closeToCloseVolatility", "period", period, 2);
    checkRealParam("closeToCloseVolatility", "annualization", annualization, 0, 1e7);
    this.annualization = annualization;
    this.m = new RollingMoments(period);
  }

  update(bar: OhlcvBar): number {
    const c = bar.close;
    const first = !this.started;
    this.started = true;
    const prev = this.prev;
    this.prev = c;
    if (first) return Number.NaN;
    this.m.push(Math.log(c / prev));
    return this.m.ready ? Math.sqrt(this.annualization * this.m.variance(1)) : Number.NaN;
  }
}

export const closeToCloseVolatilityIndicator: IndicatorDescriptor = single({
  name: "volatility_cc",
  family: "volatility",
  params: period(20, 2),
  warmUp: (p) => num(p, "period"),
  catalogId: "volatility_close_to_close_20",
  batch: (b, p) => closeToCloseVolatility(b.close, num(p, "period"), 252),
  stream: (p) => new CloseToCloseVolatilityStream(num(p, "period"), 252),
});
