import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/** Momentum (TA-Lib MOM): x_t − x_{t−period}; first value at index period. */
export function momentum(close: Float64Array, period = 10): Float64Array {
  checkPeriod("mom", "period", period, 1);
  requireBars("mom", close.length, period, `period=${period}`);
  const out = new Float64Array(close.length);
  eachCleanRun([close], [out], period, (s, e) => {
    for (let i = s + period; i < e; i++) out[i] = close[i] - close[i - period];
  });
  return out;
}

export class MomentumStream implements StreamingIndicator<number> {
  private readonly buf: Float64Array;
  private count = 0;

  constructor(readonly period = 10) {
    checkPeriod("mom", "period", period, 1);
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
    return t < this.period ? Number.NaN : x - this.buf[(t + 1) % len];
  }
}

export const momentumIndicator: IndicatorDescriptor = single({
  name: "mom",
  family: "momentum",
  params: period(10),
  warmUp: (p) => num(p, "period"),
  catalogId: "mom_10",
  batch: (b, p) => momentum(b.close, num(p, "period")),
  stream: (p) => new MomentumStream(num(p, "period")),
});
