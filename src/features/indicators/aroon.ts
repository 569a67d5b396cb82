import { eachCleanRun } from "./_shared/cleanRuns";
import { RollingExtreme } from "./_shared/rollingExtremes";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { multi } from "./_shared/describe";

export interface AroonOutput<T> {
  /** 100·(period − bars since the highest high of the last period+1 bars)/period */
  readonly up: T;
  /** 100·(period − bars since the lowest low)/period */
  readonly down: T;
  /** up − down (TA-Lib AROONOSC) */
  readonly osc: T;
}

/**
 * Aroon (TA-Lib AROON / AROONOSC): the window holds period+1 bars; on ties the latest extreme
 * counts. First value at index `period`.
 */
export function aroon(high: Float64Array, low: Float64Array, period = 14): AroonOutput<Float64Array> {
  checkPeriod("aroon", "period", period, 2);
  const n = checkSameLength("aroon", { high, low });
  requireBars("aroon", n, period, `period=${period}`);
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  const osc = new Float64Array(n);
  const factor = 100 / period;
  eachCleanRun([high, low], [up, down, osc], period, (s, e) =>
    aroonRun(high, low, period, factor, s, e, up, down, osc),
  );
  return { up, down, osc };
}

/** Aroon over one clean run [s, e), in a module-level function so that its optimised code outlives the call. */
function aroonRun(
  high: Float64Array,
  low: Float64Array,
  period: number,
  factor: number,
  s: number,
  e: number,
  up: Float64Array,
  down: Float64Array,
  osc: Float64Array,
): void {
  let hiIdx = -1;
  let loIdx = -1;
  let hi = 0;
  let lo = 0;
  for (let today = s + period, trailing = s; today < e; today++, trailing++) {
    const l = low[today];
    if (loIdx < trailing) {
      loIdx = trailing;
      lo = low[trailing];
      for (let i = trailing + 1; i <= today; i++) {
        if (low[i] <= lo) {
          lo = low[i];
          loIdx = i;
        }
      }
    } else if (l <= lo) {
      lo = l;
      loIdx = today;
    }
    const h = high[today];
    if (hiIdx < trailing) {
      hiIdx = trailing;
      hi = high[trailing];
      for (let i = trailing + 1; i <= today; i++) {
        if (high[i] >= hi) {
          hi = high[i];
          hiIdx = i;
        }
      }
    } else if (h >= hi) {
      hi = h;
      hiIdx = today;
    }
    up[today] = factor * (period - (today - hiIdx));
    down[today] = factor * (period - (today - loIdx));
    osc[today] = factor * (hiIdx - loIdx);
  }
}

export class AroonStream implements StreamingIndicator<AroonOutput<number>> {
  private readonly hi: RollingExtreme;
  private readonly lo: RollingExtreme;
  private readonly factor: number;
  private count = 0;

  constructor(readonly period = 14) {
    checkPeriod("aroon", "period", period, 2);
    this.hi = new RollingExtreme(period + 1, true);
    this.lo = new RollingExtreme(period + 1, false);
    this.factor = 100 / period;
  }

  update(bar: OhlcvBar): AroonOutput<number> {
    const { high, low } = bar;
    if (Number.isNaN(high) || Number.isNaN(low)) {
      this.count = 0;
      this.hi.reset();
      this.lo.reset();
      return { up: Number.NaN, down: Number.NaN, osc: Number.NaN };
    }
    const t = this.count++;
    this.hi.push(high);
    this.lo.push(low);
    if (t < this.period) return { up: Number.NaN, down: Number.NaN, osc: Number.NaN };
    const f = this.factor;
    const hiIdx = this.hi.index;
    const loIdx = this.lo.index;
    return {
      up: f * (this.period - (t - hiIdx)),
      down: f * (this.period - (t - loIdx)),
      osc: f * (hiIdx - loIdx),
    };
  }
}

export const aroonIndicator: IndicatorDescriptor = multi({
  name: "aroon",
  family: "trend",
  params: period(14),
  outputs: ["up", "down", "osc"],
  warmUp: (p) => num(p, "period"),
  catalogId: "aroon_14",
  batch: (b, p) => aroon(b.high, b.low, num(p, "period")),
  stream: (p) => new AroonStream(num(p, "period")),
});
