import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/** TA-Lib ROC: 0 when the reference value is 0. */
function rocValue(x: number, prev: number): number {
  return prev !== 0 ? (x / prev - 1) * 100 : 0;
}

/** Rate of change in percent (TA-Lib ROC): 100·(x_t/x_{t−period} − 1); first value at index period. */
export function roc(close: Float64Array, period = 10): Float64Array {
  checkPeriod("roc", "period", period, 1);
  requireBars("roc", close.length, period, `period=${period}`);
  const out = new Float64Array(close.length);
  eachCleanRun([close], [out], period, (s, e) => {
    for (let i = s + period; i < e; i++) out[i] = rocValue(close[i], close[i - period]);
  });
  return out;
}

export class RocStream implements StreamingIndicator<number> {
  private readonly buf: Float64Array;
  private count = 0;

  constructor(readonly period = 10) {
    checkPeriod("roc", "period", period, 1);
    this.buf = new Float64Array(period + 1);
  }

  update(bar: OhlcvBar): number {
    const x = bar.close;
    if (Number.isNaN(x)) {
      this.count = 0;
      return Number.NaN;
    }
    const len = this.period + 1;
    const t = this.count++;
    this.buf[t % len] = x;
    return t < this.period ? Number.NaN : rocValue(x, this.buf[(t + 1) % len]);
  }
}

export const rocIndicator: IndicatorDescriptor = single({
  name: "roc",
  family: "momentum",
  params: period(10),
  warmUp: (p) => num(p, "period"),
  catalogId: "roc_10",
  batch: (b, p) => roc(b.close, num(p, "period")),
  stream: (p) => new RocStream(num(p, "period")),
});
