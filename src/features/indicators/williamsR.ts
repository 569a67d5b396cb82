import { eachCleanRun } from "./_shared/cleanRuns";
import { RollingExtreme, rollingMaxRun, rollingMinRun } from "./_shared/rollingExtremes";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength, type OhlcvBar, type StreamingIndicator, hlcMissing } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/** TA-Lib's operation order; 0 when the window's range is zero. */
function willr(close: number, highest: number, lowest: number): number {
  const diff = (highest - lowest) / -100;
  return diff !== 0 ? (highest - close) / diff : 0;
}

/** Williams %R (TA-Lib WILLR), in [−100, 0]; first value at index period−1. */
export function williamsR(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  checkPeriod("willr", "period", period, 2);
  const n = checkSameLength("willr", { high, low, close });
  requireBars("willr", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const ll = new Float64Array(n);
  eachCleanRun([high, low, close], [out], period - 1, (s, e) => willrRun(high, low, close, period, s, e, ll, out));
  return out;
}

/** %R over one clean run [s, e); the highest highs go into `out` first, each read before it is overwritten. */
function willrRun(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  s: number,
  e: number,
  ll: Float64Array,
  out: Float64Array,
): void {
  rollingMaxRun(high, s, e, period, out);
  rollingMinRun(low, s, e, period, ll);
  for (let i = s + period - 1; i < e; i++) out[i] = willr(close[i], out[i], ll[i]);
}

export class WilliamsRStream implements StreamingIndicator<number> {
  private readonly hi: RollingExtreme;
  private readonly lo: RollingExtreme;

  constructor(readonly period = 14) {
    checkPeriod("willr", "period", period, 2);
    this.hi = new RollingExtreme(period, true);
    this.lo = new RollingExtreme(period, false);
  }

  update(bar: OhlcvBar): number {
    const { high, low, close } = bar;
    if (hlcMissing(bar)) {
      this.hi.reset();
      this.lo.reset();
      return Number.NaN;
    }
    const hh = this.hi.push(high);
    const ll = this.lo.push(low);
    return Number.isNaN(hh) ? Number.NaN : willr(close, hh, ll);
  }
}

export const williamsRIndicator: IndicatorDescriptor = single({
  name: "willr",
  family: "momentum",
  params: period(14),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "willr_14",
  batch: (b, p) => williamsR(b.high, b.low, b.close, num(p, "period")),
  stream: (p) => new WilliamsRStream(num(p, "period")),
});
