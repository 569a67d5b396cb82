import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";

/**
 * Average True Range with Wilder smoothing and TA-Lib's seeding: the true range needs the
 * previous close, so the first TR is at bar 1; ATR at bar `period` is the mean of
 * TR[1..period], then ATR = (ATR·(period−1) + TR) / period (as a product with 1/period). Warm-up: `period` NaNs.
 *
 * NaN rule (recursive indicator, so its "window" is everything since the seed): a bar with a
 * NaN high/low/close outputs NaN and restarts the indicator, which from the next bar on
 * equals ATR computed on the bars after the NaN alone (a fresh warm-up of `period` NaNs).
 */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  checkPeriod("atr", "period", period);
  const n = checkSameLength("atr", { high, low, close });
  requireBars("atr", n, period, `period=${period}`);
  const out = new Float64Array(n);
  const keep = period - 1;
  // Multiplying by 1/period instead of dividing halves the latency of the recursive chain.
  const inv = 1 / period;
  let count = 0;
  let prevClose = 0;
  let sum = 0;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const c = close[i];
    if (Number.isNaN(h) || Number.isNaN(l) || Number.isNaN(c)) {
      count = 0;
      out[i] = Number.NaN;
      continue;
    }
    if (count === 0) {
      out[i] = Number.NaN;
    } else {
      let tr = h - l;
      const up = h - prevClose;
      const down = prevClose - l;
      if (up > tr) tr = up;
      if (down > tr) tr = down;
      if (count > period) {
        value = (value * keep + tr) * inv;
        out[i] = value;
      } else {
        sum = count === 1 ? tr : sum + tr;
        if (count === period) {
          value = sum / period;
          out[i] = value;
        } else {
          out[i] = Number.NaN;
        }
      }
    }
    prevClose = c;
    count++;
  }
  return out;
}

/** Streaming twin of {@link atr}. */
export class AtrStream implements StreamingIndicator<number> {
  private readonly period: number;
  private count = 0;
  private prevClose = 0;
  private sum = 0;
  private value = 0;

  constructor(period = 14) {
    checkPeriod("atr", "period", period);
    this.period = period;
  }

  update(bar: OhlcvBar): number {
    const { high: h, low: l, close: c } = bar;
    const p = this.period;
    if (Number.isNaN(h) || Number.isNaN(l) || Number.isNaN(c)) {
      this.count = 0;
      return Number.NaN;
    }
    let out = Number.NaN;
    if (this.count > 0) {
      const tr = Math.max(h - l, h - this.prevClose, this.prevClose - l);
      if (this.count > p) {
        this.value = (this.value * (p - 1) + tr) * (1 / p);
        out = this.value;
      } else {
        this.sum = this.count === 1 ? tr : this.sum + tr;
        if (this.count === p) {
          this.value = this.sum / p;
          out = this.value;
        }
      }
    }
    this.prevClose = c;
    this.count++;
    return out;
  }
}
