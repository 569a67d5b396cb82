import { eachCleanRunRecursive } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { level } from "./_shared/describe";
import { ValueStream } from "./_shared/valueStream";

/**
 * Exponential moving average (TA-Lib EMA): k = 2/(period+1), seeded with the SMA of the first
 * `period` values, so the first value (index period-1) is that SMA. A NaN poisons the state;
 * the EMA re-seeds from the SMA of the next `period` clean values.
 */
export function ema(close: Float64Array, period = 20): Float64Array {
  checkPeriod("ema", "period", period, 1);
  requireBars("ema", close.length, period - 1, `period=${period}`);
  const out = new Float64Array(close.length);
  const k = 2 / (period + 1);
  eachCleanRunRecursive([close], [out], period - 1, (s, e) => emaRun(close, s, e, period, k, out));
  return out;
}

/**
 * EMA of src[start..end) (NaN-free) into out[start+period-1 .. end), seeded with the SMA of
 * src[start .. start+period-1]. Shared by DEMA, TEMA, MACD, TSI.
 */
export function emaRun(
  src: Float64Array,
  start: number,
  end: number,
  period: number,
  k: number,
  out: Float64Array,
): void {
  if (end - start < period) return;
  let sum = 0;
  for (let i = start; i < start + period; i++) sum += src[i];
  let prev = sum / period;
  out[start + period - 1] = prev;
  // Two bars per step: prev₂ = prev·a² + (x₁·a·k + x₂·k) with a = 1 − k halves the length of the
  // dependency chain that bounds this loop (same values to ~1e-16, far inside the tolerance).
  const a = 1 - k;
  const a2 = a * a;
  const ak = a * k;
  let i = start + period;
  for (; i + 1 < end; i += 2) {
    const x1 = src[i];
    const x2 = src[i + 1];
    out[i] = prev * a + x1 * k;
    prev = prev * a2 + (x1 * ak + x2 * k);
    out[i + 1] = prev;
  }
  if (i < end) out[i] = prev * a + src[i] * k;
}

export class EmaStream extends ValueStream {
  private readonly k: number;
  private count = 0;
  private prev = 0;

  constructor(readonly period = 20) {
    super();
    checkPeriod("ema", "period", period, 1);
    this.k = 2 / (period + 1);
  }

  protected step(x: number): number {
    if (this.count < this.period) {
      this.prev += x;
      if (++this.count < this.period) return Number.NaN;
      this.prev = this.prev / this.period;
      return this.prev;
    }
    this.prev = this.prev * (1 - this.k) + x * this.k;
    return this.prev;
  }

  reset(): void {
    this.count = 0;
    this.prev = 0;
  }
}

/** The ema feature: the level and the close's distance from it. */
export const emaIndicator: IndicatorDescriptor = level({
  name: "ema",
  family: "trend",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "ema_20",
  batch: (b, p) => ema(b.close, num(p, "period")),
  stream: (p) => new EmaStream(num(p, "period")),
});
