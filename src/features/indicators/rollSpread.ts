import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { RollingCovariance } from "./_shared/rollingCovariance";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/** Roll's estimator from the serial covariance of returns: 2√(−cov), 0 when cov ≥ 0. */
function spreadOf(c: RollingCovariance): number {
  const cov = c.covariance(1);
  return cov < 0 ? 2 * Math.sqrt(-cov) : !Number.isNaN(cov) ? 0 : Number.NaN;
}

/**
 * Roll (1984) effective spread, as a fraction of price: 2√(−cov(r_t, r_{t−1})) over the last
 * `period` pairs of one-bar log returns (sample covariance, ddof 1, as pandas
 * `r.rolling(period).cov(r.shift(1))`); 0 when the serial covariance is not negative (the
 * estimator is undefined there; 0 is the common convention). Log returns instead of price
 * changes make it comparable across price levels. Warm-up: period + 1 NaNs.
 * NaN rule: a NaN close spoils the returns that use it; windows containing them are NaN.
 */
export function rollSpread(close: Float64Array, period = 20): Float64Array {
  checkPeriod("rollSpread", "period", period, 3);
  const n = close.length;
  requireBars("rollSpread", n, period + 1, `period=${period}`);
  const out = new Float64Array(n);
  const c = new RollingCovariance(period);
  out[0] = out[1] = Number.NaN;
  for (let i = 2; i < n; i++) {
    c.push(Math.log(close[i] / close[i - 1]), Math.log(close[i - 1] / close[i - 2]));
    out[i] = c.ready ? spreadOf(c) : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link rollSpread}. */
export class RollSpreadStream implements StreamingIndicator<number> {
  private readonly c: RollingCovariance;
  private seen = 0;
  private prevClose = Number.NaN;
  private prevReturn = Number.NaN;

  constructor(period = 20) {
    checkPeriod("rollSpread", "period", period, 3);
    this.c = new RollingCovariance(period);
  }

  update(bar: OhlcvBar): number {
    const r = Math.log(bar.close / this.prevClose);
    const lagged = this.prevReturn;
    this.prevClose = bar.close;
    this.prevReturn = r;
    if (++this.seen < 3) return Number.NaN;
    this.c.push(r, lagged);
    return this.c.ready ? spreadOf(this.c) : Number.NaN;
  }
}

export const rollSpreadIndicator: IndicatorDescriptor = single({
  name: "roll_spread",
  family: "microstructure",
  params: period(20, 2),
  warmUp: (p) => num(p, "period") + 1,
  catalogId: "roll_spread_20",
  batch: (b, p) => rollSpread(b.close, num(p, "period")),
  stream: (p) => new RollSpreadStream(num(p, "period")),
});
