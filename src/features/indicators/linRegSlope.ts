import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod } from "./indicator";
import { RingWindow } from "./_shared/ringWindow";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";
import { ValueStream } from "./_shared/valueStream";

/**
 * Least-squares slope of the last `period` values against bar number (TA-Lib LINEARREG_SLOPE),
 * in price units per bar; first value at index period−1. Recomputed per window as TA-Lib does
 * (O(period) per bar) rather than with running sums, which drift on long series.
 */
export function linRegSlope(close: Float64Array, period = 14): Float64Array {
  checkPeriod("linreg_slope", "period", period, 2);
  requireBars("linreg_slope", close.length, period - 1, `period=${period}`);
  const out = new Float64Array(close.length);
  eachCleanRun([close], [out], period - 1, (s, e) => slopeRun(close, period, s, e, out));
  return out;
}

/** The least-squares slope from the window's sums (a function, not a closure made per call). */
function slopeOf(period: number, sumX: number, divisor: number, sumXY: number, sumY: number): number {
  return (period * sumXY - sumX * sumY) / divisor;
}

/** The slopes over one clean run [s, e), in a module-level function so that its optimised code outlives the call. */
function slopeRun(close: Float64Array, period: number, s: number, e: number, out: Float64Array): void {
  const sumX = period * (period - 1) * 0.5;
  const sumXSqr = (period * (period - 1) * (2 * period - 1)) / 6;
  const divisor = sumX * sumX - period * sumXSqr;
  // Four bars per pass: their sums are independent chains of adds, which the core overlaps;
  // one bar's two chains alone leave it waiting on add latency. Each sum adds the same terms
  // in the same order as the one-bar loop below and the streaming twin (bit for bit).
  let today = s + period - 1;
  for (; today + 3 < e; today += 4) {
    let y0 = 0;
    let y1 = 0;
    let y2 = 0;
    let y3 = 0;
    let xy0 = 0;
    let xy1 = 0;
    let xy2 = 0;
    let xy3 = 0;
    for (let i = period - 1; i >= 0; i--) {
      const b = today - i;
      const a0 = close[b];
      const a1 = close[b + 1];
      const a2 = close[b + 2];
      const a3 = close[b + 3];
      y0 += a0;
      y1 += a1;
      y2 += a2;
      y3 += a3;
      xy0 += i * a0;
      xy1 += i * a1;
      xy2 += i * a2;
      xy3 += i * a3;
    }
    out[today] = slopeOf(period, sumX, divisor, xy0, y0);
    out[today + 1] = slopeOf(period, sumX, divisor, xy1, y1);
    out[today + 2] = slopeOf(period, sumX, divisor, xy2, y2);
    out[today + 3] = slopeOf(period, sumX, divisor, xy3, y3);
  }
  for (; today < e; today++) {
    let sumXY = 0;
    let sumY = 0;
    // x counts bars back from today (TA-Lib's convention; the divisor's sign undoes it).
    for (let i = period - 1; i >= 0; i--) {
      const y = close[today - i];
      sumY += y;
      sumXY += i * y;
    }
    out[today] = slopeOf(period, sumX, divisor, sumXY, sumY);
  }
}

export class LinRegSlopeStream extends ValueStream {
  private readonly window: RingWindow;
  private readonly sumX: number;
  private readonly divisor: number;

  constructor(readonly period = 14) {
    super();
    checkPeriod("linreg_slope", "period", period, 2);
    this.window = new RingWindow(period);
    this.sumX = period * (period - 1) * 0.5;
    const sumXSqr = (period * (period - 1) * (2 * period - 1)) / 6;
    this.divisor = this.sumX * this.sumX - period * sumXSqr;
  }

  reset(): void {
    this.window.reset();
  }

  protected step(x: number): number {
    const w = this.window;
    w.push(x);
    if (!w.full) return Number.NaN;
    const p = this.period;
    let sumXY = 0;
    let sumY = 0;
    // Oldest first, from the slot at head.
    for (let i = p - 1, j = w.head; i >= 0; i--) {
      const y = w.values[j];
      sumY += y;
      sumXY += i * y;
      j = j + 1 === p ? 0 : j + 1;
    }
    return (p * sumXY - this.sumX * sumY) / this.divisor;
  }
}

export const linRegSlopeIndicator: IndicatorDescriptor = single({
  name: "linreg_slope",
  family: "trend",
  params: period(14, 2),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "linreg_slope_14",
  batch: (b, p) => linRegSlope(b.close, num(p, "period")),
  stream: (p) => new LinRegSlopeStream(num(p, "period")),
});
