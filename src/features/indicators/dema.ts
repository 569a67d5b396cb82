import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { EmaStream, emaRun } from "./ema";
import { checkPeriod, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { level } from "./_shared/describe";

/**
 * Double EMA (TA-Lib DEMA): 2·EMA(x) − EMA(EMA(x)), each EMA seeded with the SMA of its first
 * `period` inputs (TA-Lib's seeding), so the first value is at index 2·(period−1).
 */
export function dema(close: Float64Array, period = 20): Float64Array {
  checkPeriod("dema", "period", period, 1);
  const n = close.length;
  requireBars("dema", n, 2 * (period - 1), `period=${period}`);
  const out = new Float64Array(n);
  const e1 = new Float64Array(n);
  const e2 = new Float64Array(n);
  const k = 2 / (period + 1);
  eachCleanRun([close], [out], 2 * (period - 1), (s, e) => {
    const first = s + 2 * (period - 1);
    if (first >= e) return;
    emaRun(close, s, e, period, k, e1);
    emaRun(e1, s + period - 1, e, period, k, e2);
    for (let i = first; i < e; i++) out[i] = 2 * e1[i] - e2[i];
  });
  return out;
}

export class DemaStream implements StreamingIndicator<number> {
  private readonly e1: EmaStream;
  private readonly e2: EmaStream;

  constructor(readonly period = 20) {
    checkPeriod("dema", "period", period, 1);
    this.e1 = new EmaStream(period);
    this.e2 = new EmaStream(period);
  }

  update(bar: OhlcvBar): number {
    return this.next(bar.close);
  }

  next(x: number): number {
    if (Number.isNaN(x)) {
      this.reset();
      return Number.NaN;
    }
    const a = this.e1.next(x);
    if (Number.isNaN(a)) return Number.NaN;
    const b = this.e2.next(a);
    return Number.isNaN(b) ? Number.NaN : 2 * a - b;
  }

  reset(): void {
    this.e1.reset();
    this.e2.reset();
  }
}

/** The dema feature: the level and the close's distance from it. */
export const demaIndicator: IndicatorDescriptor = level({
  name: "dema",
  family: "trend",
  params: period(20),
  warmUp: (p) => 2 * (num(p, "period") - 1),
  catalogId: "dema_20",
  batch: (b, p) => dema(b.close, num(p, "period")),
  stream: (p) => new DemaStream(num(p, "period")),
});
