import { eachCleanRunRecursive } from "./_shared/cleanRuns";
import { taIsZero } from "./_shared/taIsZero";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";
import { ValueStream } from "./_shared/valueStream";

/**
 * Relative strength index (Wilder, TA-Lib RSI): average gain and loss seeded with the plain
 * mean of the first `period` changes, then Wilder-smoothed; 0 when both averages are ~0 (flat
 * series, TA-Lib's convention). First value at index `period`. A NaN poisons the averages; the
 * RSI re-seeds after `period` clean changes (period+1 clean bars).
 */
export function rsi(close: Float64Array, period = 14): Float64Array {
  checkPeriod("rsi", "period", period, 2);
  requireBars("rsi", close.length, period, `period=${period}`);
  const out = new Float64Array(close.length);
  eachCleanRunRecursive([close], [out], period, (s, e) => rsiRun(close, s, e, period, out));
  return out;
}

/** RSI of src[start..end) (NaN-free) into out[start+period .. end); shared by Stochastic RSI. */
export function rsiRun(src: Float64Array, start: number, end: number, period: number, out: Float64Array): void {
  if (end - start <= period) return;
  let prevValue = src[start];
  let gain = 0;
  let loss = 0;
  for (let i = start + 1; i <= start + period; i++) {
    const v = src[i];
    const d = v - prevValue;
    prevValue = v;
    if (d < 0) loss -= d;
    else gain += d;
  }
  loss /= period;
  gain /= period;
  let sum = gain + loss;
  out[start + period] = taIsZero(sum) ? 0 : 100 * (gain / sum);
  // Wilder's update avg ← (avg·(p−1) + x)/p written as avg·a + x·b with the gain and loss of a
  // change taken branch-free from |d| ± d (an up/down branch mispredicts on real prices).
  const a = (period - 1) / period;
  const b = 0.5 / period;
  for (let i = start + period + 1; i < end; i++) {
    const v = src[i];
    const d = v - prevValue;
    prevValue = v;
    const ad = Math.abs(d);
    gain = gain * a + (ad + d) * b;
    loss = loss * a + (ad - d) * b;
    sum = gain + loss;
    out[i] = taIsZero(sum) ? 0 : 100 * (gain / sum);
  }
}

export class RsiStream extends ValueStream {
  private count = 0;
  private prevValue = 0;
  private gain = 0;
  private loss = 0;
  private readonly a: number;
  private readonly b: number;

  constructor(readonly period = 14) {
    super();
    checkPeriod("rsi", "period", period, 2);
    this.a = (period - 1) / period;
    this.b = 0.5 / period;
  }

  protected step(x: number): number {
    const p = this.period;
    const t = this.count++;
    const d = x - this.prevValue;
    this.prevValue = x;
    if (t === 0) return Number.NaN;
    if (t > p) {
      const ad = Math.abs(d);
      this.gain = this.gain * this.a + (ad + d) * this.b;
      this.loss = this.loss * this.a + (ad - d) * this.b;
    } else {
      if (d < 0) this.loss -= d;
      else this.gain += d;
      if (t < p) return Number.NaN;
      this.loss /= p;
      this.gain /= p;
    }
    const sum = this.gain + this.loss;
    return taIsZero(sum) ? 0 : 100 * (this.gain / sum);
  }

  reset(): void {
    this.count = 0;
    this.prevValue = 0;
    this.gain = 0;
    this.loss = 0;
  }
}

export const rsiIndicator: IndicatorDescriptor = single({
  name: "rsi",
  family: "momentum",
  params: period(14),
  warmUp: (p) => num(p, "period"),
  catalogId: "rsi_14",
  batch: (b, p) => rsi(b.close, num(p, "period")),
  stream: (p) => new RsiStream(num(p, "period")),
});
