import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod } from "./indicator";
import { RingWindow } from "./_shared/ringWindow";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { level } from "./_shared/describe";
import { ValueStream } from "./_shared/valueStream";

/**
 * Weighted moving average (TA-Lib WMA): weights 1..period, newest heaviest, divided by
 * period(period+1)/2; O(1) per bar with TA-Lib's running sums. First value at index period-1.
 */
export function wma(close: Float64Array, period = 20): Float64Array {
  checkPeriod("wma", "period", period, 1);
  requireBars("wma", close.length, period - 1, `period=${period}`);
  const out = new Float64Array(close.length);
  eachCleanRun([close], [out], period - 1, (s, e) => wmaRun(close, s, e, period, out));
  return out;
}

/** WMA of src[start..end) (NaN-free) into out[start+period-1 .. end); shared by HMA. */
export function wmaRun(src: Float64Array, start: number, end: number, period: number, out: Float64Array): void {
  if (end - start < period) return;
  const divider = (period * (period + 1)) / 2;
  let periodSub = 0;
  let periodSum = 0;
  for (let i = start, w = 1; i < start + period - 1; i++, w++) {
    periodSub += src[i];
    periodSum += src[i] * w;
  }
  let trailingValue = 0;
  for (let i = start + period - 1, t = start; i < end; i++, t++) {
    const v = src[i];
    periodSub += v;
    periodSub -= trailingValue;
    periodSum += v * period;
    trailingValue = src[t];
    out[i] = periodSum / divider;
    periodSum -= periodSub;
  }
}

export class WmaStream extends ValueStream {
  private readonly window: RingWindow;
  private readonly divider: number;
  private periodSub = 0;
  private periodSum = 0;
  private trailingValue = 0;

  constructor(readonly period = 20) {
    super();
    checkPeriod("wma", "period", period, 1);
    this.window = new RingWindow(period);
    this.divider = (period * (period + 1)) / 2;
  }

  protected step(x: number): number {
    const p = this.period;
    const w = this.window;
    w.push(x);
    if (!w.full) {
      this.periodSub += x;
      this.periodSum += x * w.length;
      return Number.NaN;
    }
    this.periodSub += x;
    this.periodSub -= this.trailingValue;
    this.periodSum += x * p;
    this.trailingValue = w.oldest;
    const v = this.periodSum / this.divider;
    this.periodSum -= this.periodSub;
    return v;
  }

  reset(): void {
    this.window.reset();
    this.periodSub = 0;
    this.periodSum = 0;
    this.trailingValue = 0;
  }
}

/** The wma feature: the level and the close's distance from it. */
export const wmaIndicator: IndicatorDescriptor = level({
  name: "wma",
  family: "trend",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "wma_20",
  batch: (b, p) => wma(b.close, num(p, "period")),
  stream: (p) => new WmaStream(num(p, "period")),
});
