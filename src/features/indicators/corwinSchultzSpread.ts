import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

const K = 3 - 2 * Math.SQRT2;

/**
 * Corwin–Schultz (2012) high-low spread of the two bars (t−1, t), as a fraction of price.
 * Bar t's high and low are first shifted by the overnight move, as in the paper: down by
 * L_t − C_{t−1} when the low is above the previous close, up by C_{t−1} − H_t when the high
 * is below it. Negative estimates are set to 0 (the paper's main variant). A NaN previous close
 * makes the estimate NaN: both comparisons with it are false, which would otherwise read as
 * "no overnight move" and give a finite estimate from a bar that has no close.
 */
function twoBarSpread(h0: number, l0: number, c0: number, h1: number, l1: number): number {
  if (Number.isNaN(c0)) return Number.NaN;
  let shift = 0;
  if (l1 > c0) shift = l1 - c0;
  else if (h1 < c0) shift = h1 - c0;
  const h = h1 - shift;
  const l = l1 - shift;
  const a0 = Math.log(h0 / l0);
  const a1 = Math.log(h / l);
  const beta = a0 * a0 + a1 * a1;
  const g = Math.log(Math.max(h0, h) / Math.min(l0, l));
  const gamma = g * g;
  const alpha = (Math.sqrt(2 * beta) - Math.sqrt(beta)) / K - Math.sqrt(gamma / K);
  const e = Math.exp(alpha);
  const s = (2 * (e - 1)) / (1 + e);
  return s > 0 ? s : !Number.isNaN(s) ? 0 : Number.NaN;
}

/**
 * Corwin–Schultz spread estimate averaged over the last `period` two-bar estimates (the paper
 * averages daily estimates over a month). The estimate at t uses bars t−1 and t only, so there
 * is no look-ahead. Warm-up: `period` NaNs. NaN rule: a NaN bar spoils the two estimates that
 * use it (a NaN close only the next bar's, the one estimate that reads it), and every window
 * containing a spoiled estimate is NaN.
 */
export function corwinSchultzSpread(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 20,
): Float64Array {
  checkPeriod("corwinSchultzSpread", "period", period);
  const n = checkSameLength("corwinSchultzSpread", { high, low, close });
  requireBars("corwinSchultzSpread", n, period, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period);
  out[0] = Number.NaN;
  for (let i = 1; i < n; i++) {
    m.push(twoBarSpread(high[i - 1], low[i - 1], close[i - 1], high[i], low[i]));
    out[i] = m.ready ? m.mean() : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link corwinSchultzSpread}. */
export class CorwinSchultzSpreadStream implements StreamingIndicator<number> {
  private readonly m: RollingMoments;
  private started = false;
  private h = 0;
  private l = 0;
  private c = 0;

  constructor(period = 20) {
    checkPeriod("corwinSchultzSpread", "period", period);
    this.m = new RollingMoments(period);
  }

  update(bar: OhlcvBar): number {
    const first = !this.started;
    const { h, l, c } = this;
    this.started = true;
    this.h = bar.high;
    this.l = bar.low;
    this.c = bar.close;
    if (first) return Number.NaN;
    this.m.push(twoBarSpread(h, l, c, bar.high, bar.low));
    return this.m.ready ? this.m.mean() : Number.NaN;
  }
}

export const corwinSchultzSpreadIndicator: IndicatorDescriptor = single({
  name: "corwin_schultz",
  family: "microstructure",
  params: period(20),
  warmUp: (p) => num(p, "period"),
  catalogId: "corwin_schultz_20",
  batch: (b, p) => corwinSchultzSpread(b.high, b.low, b.close, num(p, "period")),
  stream: (p) => new CorwinSchultzSpreadStream(num(p, "period")),
});
