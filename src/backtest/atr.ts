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
  // The seed (a mean of the first `period` true ranges), then Wilder's recursion: two loops, so
  // the million-bar one tests no warm-up condition.
  let sum = high[0] - low[0];
  for (let t = 1; t < period; t++) sum += trueRange(high[t], low[t], close[t - 1]);
  let prev = sum / period;
  out[period - 1] = prev;
  for (let t = period; t < n; t++) {
    prev = (prev * (period - 1) + trueRange(high[t], low[t], close[t - 1])) / period;
    out[t] = prev;
  }
  return out;
}

function trueRange(high: number, low: number, prevClose: number): number {
  return Math.max(high - low, Math.abs(high - prevClose), Math.abs(low - prevClose));
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
    const tr = t === 0 ? hl : trueRange(high, low, this.prevClose);
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
