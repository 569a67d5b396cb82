import { checkRealParam, requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/** Rogers–Satchell per-bar term: ln(H/C)·ln(H/O) + ln(L/C)·ln(L/O). */
function rogersSatchell(open: number, high: number, low: number, close: number): number {
  return Math.log(high / close) * Math.log(high / open) + Math.log(low / close) * Math.log(low / open);
}

/**
 * Yang–Zhang (2000) drift-independent volatility over the last `period` bars:
 * σ² = σ²_overnight + k·σ²_open-to-close + (1 − k)·σ²_RS, with σ²_overnight and σ²_oc the
 * sample variances (ddof 1) of ln(O_t/C_{t−1}) and ln(C_t/O_t), σ²_RS the mean Rogers–Satchell
 * term and k = 0.34 / (1.34 + (period + 1)/(period − 1)); result √(annualization · σ²).
 * Warm-up: `period` NaNs (the overnight return of the window's first bar needs the close
 * before it). NaN rule: windows containing a NaN bar (or a bar after a NaN close) are NaN.
 */
export function yangZhangVolatility(
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 20,
  annualization = 252,
): Float64Array {
  checkPeriod("yangZhangVolatility", "period", period, 2);
  checkRealParam("yangZhangVolatility", "annualization", annualization, 0, 1e7);
  const n = checkSameLength("yangZhangVolatility", { open, high, low, close });
  requireBars("yangZhangVolatility", n, period, `period=${period}`);
  const state = new YangZhangState(period, annualization);
  const out = new Float64Array(n);
  out[0] = Number.NaN;
  for (let i = 1; i < n; i++) out[i] = state.step(close[i - 1], open[i], high[i], low[i], close[i]);
  return out;
}

/** The three rolling components, shared by the batch function and the stream. */
class YangZhangState {
  private readonly overnight: RollingMoments;
  private readonly openClose: RollingMoments;
  private readonly rs: RollingMoments;
  private readonly k: number;
  private readonly annualization: number;

  constructor(period: number, annualization: number) {
    this.overnight = new RollingMoments(period);
    this.openClose = new RollingMoments(period);
    this.rs = new RollingMoments(period);
    this.k = 0.34 / (1.34 + (period + 1) / (period - 1));
    this.annualization = annualization;
  }

  step(prevClose: number, open: number, high: number, low: number, close: number): number {
    this.overnight.push(Math.log(open / prevClose));
    this.openClose.push(Math.log(close / open));
    this.rs.push(rogersSatchell(open, high, low, close));
    if (!(this.overnight.ready && this.openClose.ready && this.rs.ready)) return Number.NaN;
    const k = this.k;
    const v = this.overnight.variance(1) + k * this.openClose.variance(1) + (1 - k) * this.rs.mean();
    return Math.sqrt(this.annualization * Math.max(0, v));
  }
}

/** Streaming twin of {@link yangZhangVolatility}. */
export class YangZhangVolatilityStream implements StreamingIndicator<number> {
  private readonly state: YangZhangState;
  private prevClose = Number.NaN;
  private started = false;

  constructor(period = 20, annualization = 252) {
    checkPeriod("yangZhangVolatility", "period", period, 2);
    checkRealParam("yangZhangVolatility", "annualization", annualization, 0, 1e7);
    this.state = new YangZhangState(period, annualization);
  }

  update(bar: OhlcvBar): number {
    const prev = this.prevClose;
    this.prevClose = bar.close;
    if (!this.started) {
      this.started = true;
      return Number.NaN;
    }
    return this.state.step(prev, bar.open, bar.high, bar.low, bar.close);
  }
}

export const yangZhangVolatilityIndicator: IndicatorDescriptor = single({
  name: "volatility_yz",
  family: "volatility",
  params: period(20, 2),
  warmUp: (p) => num(p, "period"),
  catalogId: "volatility_yang_zhang_20",
  batch: (b, p) => yangZhangVolatility(b.open, b.high, b.low, b.close, num(p, "period"), 252),
  stream: (p) => new YangZhangVolatilityStream(num(p, "period"), 252),
});
