import { eachCleanRun } from "./_shared/cleanRuns";
import { taIsZero } from "./_shared/taIsZero";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength, type OhlcvBar, type StreamingIndicator, hlcMissing } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/**
 * CCI of the window tp[from .. from+period) (typical prices), TA-Lib's formula: 0 when the
 * deviation from the mean or the sum of absolute deviations is zero by TA_IS_ZERO (a flat
 * window's typical prices can differ by one ulp, and that residue must not read as ±133).
 */
function cciWindow(tp: Float64Array, from: number, period: number, last: number): number {
  let avg = 0;
  for (let j = 0; j < period; j++) avg += tp[from + j];
  avg /= period;
  let mad = 0;
  for (let j = 0; j < period; j++) mad += Math.abs(tp[from + j] - avg);
  const dev = last - avg;
  return !taIsZero(dev) && !taIsZero(mad) ? dev / (0.015 * (mad / period)) : 0;
}

/**
 * Commodity channel index (TA-Lib CCI) on the typical price (h+l+c)/3 with the mean absolute
 * deviation recomputed per window (O(period) per bar, as TA-Lib); first value at index period−1.
 */
export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period = 20): Float64Array {
  checkPeriod("cci", "period", period, 2);
  const n = checkSameLength("cci", { high, low, close });
  requireBars("cci", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const tp = new Float64Array(n);
  eachCleanRun([high, low, close], [out], period - 1, (s, e) => cciRun(high, low, close, period, s, e, tp, out));
  return out;
}

/** CCI over one clean run [s, e), in a module-level function so that its optimised code outlives the call. */
function cciRun(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  s: number,
  e: number,
  tp: Float64Array,
  out: Float64Array,
): void {
  for (let i = s; i < e; i++) tp[i] = (high[i] + low[i] + close[i]) / 3;
  for (let i = s + period - 1; i < e; i++) out[i] = cciWindow(tp, i - period + 1, period, tp[i]);
}

export class CciStream implements StreamingIndicator<number> {
  /** Typical prices, chronological: each new value shifts the window left by one. */
  private readonly window: Float64Array;
  private count = 0;

  constructor(readonly period = 20) {
    checkPeriod("cci", "period", period, 2);
    this.window = new Float64Array(period);
  }

  update(bar: OhlcvBar): number {
    const { high, low, close } = bar;
    if (hlcMissing(bar)) {
      this.count = 0;
      return Number.NaN;
    }
    const p = this.period;
    const w = this.window;
    const tp = (high + low + close) / 3;
    if (this.count < p) {
      w[this.count++] = tp;
      if (this.count < p) return Number.NaN;
    } else {
      w.copyWithin(0, 1);
      w[p - 1] = tp;
    }
    return cciWindow(w, 0, p, tp);
  }
}

export const cciIndicator: IndicatorDescriptor = single({
  name: "cci",
  family: "momentum",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "cci_20",
  batch: (b, p) => cci(b.high, b.low, b.close, num(p, "period")),
  stream: (p) => new CciStream(num(p, "period")),
});
