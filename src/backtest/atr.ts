/**
 * Wilder's average true range, used for stop distances and ATR-based slippage. Kept here
 * rather than borrowed from features/ so the engine's only input contract is `Bars`.
 * Warm-up (the first period-1 bars) is NaN; the first value is the mean true range.
 */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  out.fill(Number.NaN, 0, Math.min(period - 1, n));
  if (n < period) return out;
  let sum = 0;
  let prev = 0;
  for (let t = 0; t < n; t++) {
    const hl = high[t] - low[t];
    const tr = t === 0 ? hl : Math.max(hl, Math.abs(high[t] - close[t - 1]), Math.abs(low[t] - close[t - 1]));
    if (t < period) {
      sum += tr;
      if (t === period - 1) out[t] = prev = sum / period;
    } else {
      prev = (prev * (period - 1) + tr) / period;
      out[t] = prev;
    }
  }
  return out;
}

/**
 * The streaming twin of {@link atr}: the same arithmetic in the same order, one bar at a time,
 * so its value at a bar is the batch column's (bit for bit) when fed the same bars from the same
 * first bar. Wilder's recursion remembers its seed, so a stream started at another bar differs,
 * by a factor (1 − 1/period) less with every bar.
 */
export class AtrStream {
  private bars = 0;
  private sum = 0;
  private prev = 0;
  private prevClose = 0;

  constructor(private readonly period = 14) {
    if (!Number.isInteger(period) || period < 1) {
      throw new Error(`backtest atr stream: period must be an integer >= 1, got ${period}`);
    }
  }

  /** Feeds the next bar; returns the ATR at it (NaN for the first period − 1 bars). */
  update(high: number, low: number, close: number): number {
    const t = this.bars++;
    const period = this.period;
    const hl = high - low;
    const tr = t === 0 ? hl : Math.max(hl, Math.abs(high - this.prevClose), Math.abs(low - this.prevClose));
    this.prevClose = close;
    if (t < period) {
      this.sum += tr;
      if (t < period - 1) return Number.NaN;
      this.prev = this.sum / period;
      return this.prev;
    }
    this.prev = (this.prev * (period - 1) + tr) / period;
    return this.prev;
  }
}
