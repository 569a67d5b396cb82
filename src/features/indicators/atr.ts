import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/**
 * Average True Range with Wilder smoothing and TA-Lib's seeding: the true range needs the
 * previous close, so the first TR is at bar 1; ATR at bar `period` is the mean of
 * TR[1..period], then ATR = ATR·(period−1)/period + TR/period. Warm-up: `period` NaNs.
 *
 * NaN rule (recursive indicator, so its "window" is everything since the seed): a bar with a
 * NaN high/low/close outputs NaN and restarts the indicator, which from the next bar on
 * equals ATR computed on the bars after the NaN alone (a fresh warm-up of `period` NaNs).
 */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  checkPeriod("atr", "period", period);
  const n = checkSameLength("atr", { high, low, close });
  requireBars("atr", n, period, `period=${period}`);
  // Every index is written once below (NaN where there is no value) rather than the array
  // filled with NaN first: a second pass over a fresh million-bar array is a fifth of the run.
  const out = new Float64Array(n);
  const decay = (period - 1) / period;
  const weight = 1 / period;
  let i = 0;
  while (i < n) {
    // A clean run starts at bar i: it needs a close, then `period` true ranges to seed.
    if (Number.isNaN(high[i] + low[i] + close[i])) {
      out[i++] = Number.NaN;
      continue;
    }
    let prevClose = close[i];
    out[i++] = Number.NaN;
    let sum = 0;
    let k = 0;
    for (; k < period && i < n; k++, i++) {
      const tr = trueRange(high[i], low[i], prevClose);
      const c = close[i];
      out[i] = Number.NaN;
      if (Number.isNaN(tr + c)) break;
      sum += tr;
      prevClose = c;
    }
    if (k < period) {
      i++;
      continue;
    }
    out[i - 1] = sum / period;
    i = wilderRun(high, low, close, out, i, sum / period, decay, weight);
  }
  return out;
}

/**
 * The hot loop, from bar `start` (whose previous bar holds the seed `value`) through the first
 * NaN bar (written NaN); returns the index after it (n if none). One NaN test per bar (a NaN high
 * or low makes the TR NaN) and the recursion as a multiply-add by constants rather than
 * TA-Lib's divide. A function of its own so that V8 optimises it on the first calls.
 */
function wilderRun(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  out: Float64Array,
  start: number,
  value: number,
  decay: number,
  weight: number,
): number {
  const n = close.length;
  let prevClose = close[start - 1];
  for (let i = start; i < n; i++) {
    const tr = trueRange(high[i], low[i], prevClose);
    const c = close[i];
    if (Number.isNaN(tr + c)) {
      out[i] = Number.NaN;
      return i + 1;
    }
    value = value * decay + tr * weight;
    out[i] = value;
    prevClose = c;
  }
  return n;
}

/**
 * True range max(H, previous close) − min(L, previous close), written as
 * ½(H − L + |H − C₋₁| + |L − C₋₁|): the same value for H ≥ L (to an ulp), computed without
 * the data-dependent branches of max/min, which mispredict on real bars and cost more than the
 * arithmetic. NaN when H or L is NaN.
 */
function trueRange(h: number, l: number, prevClose: number): number {
  return 0.5 * (h - l + Math.abs(h - prevClose) + Math.abs(l - prevClose));
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
      const tr = trueRange(h, l, this.prevClose);
      if (this.count > p) {
        this.value = this.value * ((p - 1) / p) + tr * (1 / p);
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

export const atrIndicator: IndicatorDescriptor = single({
  name: "atr",
  family: "volatility",
  params: period(14),
  warmUp: (p) => num(p, "period"),
  catalogId: "atr_14",
  batch: (b, p) => atr(b.high, b.low, b.close, num(p, "period")),
  stream: (p) => new AtrStream(num(p, "period")),
});
