import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { EmaStream, emaRun } from "./ema";
import { checkPeriod, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { level } from "./_shared/describe";

/**
 * Triple EMA (TA-Lib TEMA): 3·E1 − 3·E2 + E3 with E2 = EMA(E1), E3 = EMA(E2), each seeded with
 * the SMA of its first `period` inputs; first value at index 3·(period−1).
 */
export function tema(close: Float64Array, period = 20): Float64Array {
  checkPeriod("tema", "period", period, 1);
  const n = close.length;
  requireBars("tema", n, 3 * (period - 1), `period=${period}`);
  const out = new Float64Array(n);
  const e1 = new Float64Array(n);
  const e2 = new Float64Array(n);
  const e3 = new Float64Array(n);
  const k = 2 / (period + 1);
  eachCleanRun([close], [out], 3 * (period - 1), (s, e) => {
    const first = s + 3 * (period - 1);
    if (first >= e) return;
    emaRun(close, s, e, period, k, e1);
    emaRun(e1, s + period - 1, e, period, k, e2);
    emaRun(e2, s + 2 * (period - 1), e, period, k, e3);
    // TA-Lib's operation order, so values match it to the last bits.
    for (let i = first; i < e; i++) out[i] = e3[i] + (3 * e1[i] - 3 * e2[i]);
  });
  return out;
}

export class TemaStream implements StreamingIndicator<number> {
  private readonly e1: EmaStream;
  private readonly e2: EmaStream;
  private readonly e3: EmaStream;

  constructor(readonly period = 20) {
    checkPeriod("tema", "period", period, 1);
    this.e1 = new EmaStream(period);
    this.e2 = new EmaStream(period);
    this.e3 = new EmaStream(period);
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
    if (Number.isNaN(b)) return Number.NaN;
    const c = this.e3.next(b);
    return Number.isNaN(c) ? Number.NaN : c + (3 * a - 3 * b);
  }

  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.e3.reset();
  }
}

/** The tema feature: the level and the close's distance from it. */
export const temaIndicator: IndicatorDescriptor = level({
  name: "tema",
  family: "trend",
  params: period(20),
  warmUp: (p) => 3 * (num(p, "period") - 1),
  catalogId: "tema_20",
  batch: (b, p) => tema(b.close, num(p, "period")),
  stream: (p) => new TemaStream(num(p, "period")),
});
