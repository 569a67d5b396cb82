import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { level } from "./_shared/describe";
import { ValueStream } from "./_shared/valueStream";

/**
 * Simple moving average (TA-Lib SMA): running window sum / period. First value at index
 * period-1. A NaN restarts it (see _shared/cleanRuns), i.e. NaN for every window holding it.
 */
export function sma(close: Float64Array, period = 20): Float64Array {
  checkPeriod("sma", "period", period, 1);
  requireBars("sma", close.length, period - 1, `period=${period}`);
  const out = new Float64Array(close.length);
  eachCleanRun([close], [out], period - 1, (s, e) => smaRun(close, s, e, period, out));
  return out;
}

/** SMA of src[start..end) (NaN-free) into out[start+period-1 .. end); shared by SMA-smoothed indicators. */
export function smaRun(src: Float64Array, start: number, end: number, period: number, out: Float64Array): void {
  if (end - start < period) return;
  let sum = 0;
  for (let i = start; i < start + period - 1; i++) sum += src[i];
  for (let i = start + period - 1, t = start; i < end; i++, t++) {
    sum += src[i];
    out[i] = sum / period;
    sum -= src[t];
  }
}

export class SmaStream extends ValueStream {
  private readonly buf: Float64Array;
  private idx = 0;
  private count = 0;
  private sum = 0;

  constructor(readonly period = 20) {
    super();
    checkPeriod("sma", "period", period, 1);
    this.buf = new Float64Array(period);
  }

  protected step(x: number): number {
    const p = this.period;
    this.sum += x;
    this.buf[this.idx] = x;
    this.idx = this.idx + 1 === p ? 0 : this.idx + 1;
    if (this.count < p) this.count++;
    if (this.count < p) return Number.NaN;
    const v = this.sum / p;
    this.sum -= this.buf[this.idx];
    return v;
  }

  reset(): void {
    this.idx = 0;
    this.count = 0;
    this.sum = 0;
  }
}

/** The sma feature: the level and the close's distance from it. */
export const smaIndicator: IndicatorDescriptor = level({
  name: "sma",
  family: "trend",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "sma_20",
  batch: (b, p) => sma(b.close, num(p, "period")),
  stream: (p) => new SmaStream(num(p, "period")),
});
