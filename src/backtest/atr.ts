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
